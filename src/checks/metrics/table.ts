/**
 * The before/after table of the `metrics` check, as rows of text cells, shared by its
 * sections of the terminal summary, the launch record and the HTML page, and the lines around it (what was
 * compared, how the measurement stopped, the machine's noise, the step that moved the most).
 * Drawn from the result.
 */
import type { MetricComparison, MetricsResult } from './result.js';

/** Column headers of the before/after table. */
export const METRICS_HEADERS = ['path', 'step', 'metric', 'before', 'after', 'change', 'interval', 'verdict'];

function value(v: number | null, unit: MetricComparison['unit']): string {
  if (v === null) return 'n/a';
  return unit === 'ms' ? `${v} ms` : unit === '%' ? `${v} %` : `${v}/s`;
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n}`;
}

/** The verdict cell: the verdict, whether it blocks, and what contention showed. */
export function verdictText(c: MetricComparison): string {
  const advisory = !c.blocking && c.verdict !== 'unchanged' ? ' (advisory)' : '';
  const k = c.contention;
  const contention = !k
    ? ''
    : k.explained === true
      ? `, contention with ${k.with.join(', ')}: alone ${k.alone.verdict}`
      : k.explained === false
        ? `, alone ${k.alone.verdict} too`
        : `, alone ${k.alone.verdict}`;
  return `${c.verdict}${advisory}${contention}`;
}

/** One comparison as table cells. */
export function comparisonCells(c: MetricComparison): string[] {
  const unit = c.change_unit === '%' ? '%' : ' pp';
  const na = c.reason?.startsWith('n/a') ? c.reason : null;
  const change = c.change === null ? (na ?? 'n/a') : `${signed(c.change)}${unit}`;
  const interval = c.interval ? `[${signed(c.interval[0])}, ${signed(c.interval[1])}]` : '–';
  return [
    c.path,
    c.step ?? '(path)',
    c.metric,
    value(c.before, c.unit),
    value(c.after, c.unit),
    change,
    interval,
    verdictText(c),
  ];
}

/** The comparisons in table order: each path's rows, then its steps' rows. */
export function orderedComparisons(metrics: MetricsResult): MetricComparison[] {
  const paths = [...new Set(metrics.comparisons.map((c) => c.path))];
  return paths.flatMap((path) => [
    ...metrics.comparisons.filter((c) => c.path === path && c.step === null),
    ...metrics.comparisons.filter((c) => c.path === path && c.step !== null),
  ]);
}

/** Every comparison row of a metrics result (per-step p99 rows without data are left out). */
export function metricsRows(metrics: MetricsResult): string[][] {
  return orderedComparisons(metrics)
    .filter((c) => !(c.step !== null && c.metric === 'p99' && c.before === null && c.after === null))
    .map(comparisonCells);
}

/** The table as aligned plain-text lines. */
export function metricsTextTable(metrics: MetricsResult): string[] {
  const rows = [METRICS_HEADERS, ...metricsRows(metrics)];
  const widths = METRICS_HEADERS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** One line about what was compared. */
export function metricsHeadline(metrics: MetricsResult): string {
  const s = metrics.settings;
  return `baseline ${metrics.baseline.resolved ?? metrics.baseline.ref} vs candidate ${metrics.candidate.ref}: ${metrics.baseline.blocks}+${metrics.candidate.blocks} measured blocks of ${s.block_ms / 1000} s at ${Math.round(s.rate * 100) / 100} iterations/s per path`;
}

const STOPPED: Record<MetricsResult['sequential']['stopped'], string> = {
  conclusive: 'every blocking comparison conclusive',
  budget: 'max_duration reached',
  cancelled: 'cancelled',
};

/** The lines under the headline: how the measurement stopped, the machine, the step that moved the most, contention. */
export function metricsNotes(metrics: MetricsResult): string[] {
  const q = metrics.sequential;
  const lines = [
    `stopped after ${Math.round(q.elapsed_ms / 1000)} s of at most ${Math.round(metrics.settings.max_duration_ms / 1000)} s: ${STOPPED[q.stopped]} (${q.rounds} block pairs, ${q.looks} looks, ${Math.round(q.confidence * 1000) / 10} % confidence over the blocking comparisons)`,
  ];
  const n = metrics.noise;
  const spreads = metrics.comparisons
    .filter((c) => c.step === null && c.metric === 'p95' && c.aa_spread !== null)
    .map((c) => `${c.path} ±${c.aa_spread} %`);
  const machine =
    n.load === null
      ? 'no /proc readings'
      : `load ${n.load.min}–${n.load.max}, CPU busy ${n.busy_pct} %, steal ${n.steal_pct} %`;
  lines.push(
    `noise: ${machine}${spreads.length ? `; A/A spread of p95 per unit: ${spreads.join(', ')}` : ''}`,
  );
  const m = metrics.moved;
  if (m) {
    const where = `${m.path}${m.step ? ` › ${m.step}` : ''}`;
    lines.push(
      `${m.verdict === 'regressed' ? 'slowed the most' : 'moved the most'}: ${where} ${m.metric} ${signed(m.change)}% [${signed(m.interval[0])}, ${signed(m.interval[1])}] ${m.verdict}`,
    );
  }
  if (metrics.contention) {
    const c = metrics.contention;
    const verdicts = c.alone.map((path) => {
      const found = metrics.comparisons.filter((r) => r.path === path && r.step === null && r.contention);
      if (found.some((r) => r.contention?.explained === false)) return `${path} regressed on its own`;
      if (found.length > 0 && found.every((r) => r.contention?.explained === true))
        return `${path} is explained by contention with ${found[0]?.contention?.with.join(', ')}`;
      return `${path} is not settled`;
    });
    lines.push(
      `contention: ${c.alone.join(', ')} measured alone, one at a time (${c.rounds} block pairs, ${Math.round(c.elapsed_ms / 1000)} s): ${verdicts.join('; ')}`,
    );
  }
  return lines;
}

/** Why each blocking comparison that stayed inconclusive did, one line each. */
export function inconclusiveLines(metrics: MetricsResult): string[] {
  return metrics.comparisons
    .filter((c) => c.blocking && c.verdict === 'inconclusive')
    .map((c) => `${c.path}${c.step ? ` › ${c.step}` : ''} ${c.metric}: ${c.reason ?? 'inconclusive'}`);
}
