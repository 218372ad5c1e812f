/** The bench's one table: a row per figure, preflight beside each peer, the ratio and the target. */

export const COLUMNS = [
  'preflight',
  'undici',
  'stepci',
  'newman',
  'wrk',
  'autocannon',
  'k6',
  'squawk',
] as const;
export type Column = (typeof COLUMNS)[number];

const HEADINGS: Record<Column, string> = {
  preflight: 'preflight',
  undici: 'undici script',
  stepci: 'Step CI',
  newman: 'Newman',
  wrk: 'wrk',
  autocannon: 'autocannon',
  k6: 'k6',
  squawk: 'squawk',
};

export type Unit = 's' | 'ms' | '±ms' | 'MiB' | 'req/s' | 'µs' | 'x' | 'n';

export interface Row {
  label: string;
  unit: Unit;
  values: Partial<Record<Column, number>>;
  /** e.g. preflight / undici, the median of the per-round ratios; shown as "0.93x". */
  ratio?: number;
  target?: { text: string; met: boolean };
  /** Set when the row could not be measured: the row is shown as failed, never left out. */
  error?: string;
}

/** A value with its unit, at the resolution that unit deserves. */
export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined) return '—';
  if (Number.isNaN(value)) return 'n/a';
  switch (unit) {
    case 's':
      return `${value.toFixed(2)} s`;
    case 'ms':
      return `${value.toFixed(2)} ms`;
    case '±ms':
      return `${value >= 0 ? '+' : ''}${value.toFixed(2)} ms`;
    case 'MiB':
      return `${value.toFixed(0)} MiB`;
    case 'req/s':
      return `${Math.round(value)}/s`;
    case 'µs':
      return `${value.toFixed(1)} µs`;
    case 'x':
      return `${value.toFixed(1)}x`;
    case 'n':
      return String(Math.round(value));
  }
}

/** The table as text, with a status column: met / MISSED / ERROR / "" (no target). */
export function renderTable(rows: Row[]): string {
  const header = ['row', ...COLUMNS.map((c) => HEADINGS[c]), 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.label,
    ...COLUMNS.map((c) => formatValue(r.values[c], r.unit)),
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}x`,
    r.target?.text ?? '—',
    r.error ? 'ERROR' : r.target ? (r.target.met ? 'met' : 'MISSED') : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const errors = rows.filter((r) => r.error).map((r) => `ERROR ${r.label}: ${r.error}`);
  return [line(header), rule, ...cells.map(line), ...errors].join('\n');
}

/** The rows of a section whose measurement threw: every figure missing, the reason on the first. */
export function errorRows(labels: string[], error: unknown): Row[] {
  const message = (error instanceof Error ? error.message : String(error))
    .split('\n')
    .slice(0, 12)
    .join('\n    ');
  return labels.map((label, i) => ({
    label,
    unit: 's',
    values: {},
    error: i === 0 ? message : `not measured, see "${labels[0]}"`,
  }));
}

/** Target "value ≤ limit" (or ≥), met when it holds. */
export function target(value: number, op: '<=' | '>=', limit: number, text: string): Row['target'] {
  const met = op === '<=' ? value <= limit : value >= limit;
  return { text, met: !Number.isNaN(value) && met };
}
