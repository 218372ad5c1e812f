/**
 * `preflight history`: the recorded runs in the terminal, newest first.
 */
import pc from 'picocolors';
import { formatDuration } from '../render/format.js';
import { verdictLabel } from '../run/verdict.js';
import { discoverStore } from '../store/discover.js';
import { describeLocation, openStore } from '../store/open.js';
import { type RunSummary, StoreError } from '../store/types.js';
import { EXIT } from './exit-codes.js';

/** The flags of `preflight history`. */
export interface HistoryCommandFlags {
  store?: string;
  plan?: string;
  service?: string;
  limit: string;
  json?: boolean;
  color?: boolean;
}

/** List the runs; returns the exit code. */
export async function historyCommand(flags: HistoryCommandFlags): Promise<number> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(
      `preflight history: --limit expects a whole number of at least 1 (got "${flags.limit}")\n`,
    );
    return EXIT.USAGE;
  }
  const { location, found } = discoverStore({ store: flags.store, plan: flags.plan });
  const where = describeLocation(location);
  if (!found) {
    process.stdout.write(
      `no runs recorded yet (no history at ${where}); \`preflight run\` records every run\n`,
    );
    return EXIT.GO;
  }
  let runs: RunSummary[];
  try {
    const store = await openStore(location);
    try {
      // One more than shown: whether older runs are kept too, for the footer.
      runs = await store.listRuns({ service: flags.service, limit: limit + 1 });
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    process.stderr.write(`preflight history: ${error.message}\n`);
    return EXIT.COULD_NOT_RUN;
  }
  const more = runs.length > limit;
  runs = runs.slice(0, limit);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return EXIT.GO;
  }
  const color = flags.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderHistory(runs, where, color, more));
  return EXIT.GO;
}

/**
 * The runs as an aligned table, with a line that says where they are kept; `more`: older runs
 * are kept than are shown (`--limit`).
 */
export function renderHistory(runs: RunSummary[], where: string, color = false, more = false): string {
  if (runs.length === 0) return `no runs recorded yet in ${where}\n`;
  const c = pc.createColors(color);
  const header = ['when (UTC)', 'verdict', 'service', 'version', 'ref', 'duration', 'who', 'run'];
  const rows = runs.map((r) => [
    r.started_at.replace('T', ' ').slice(0, 19),
    verdictLabel(r),
    r.service,
    r.version ?? '-',
    [r.git_ref, r.git_commit?.slice(0, 8)].filter(Boolean).join(' ') || '-',
    formatDuration(r.duration_ms),
    r.who ?? '-',
    r.run_id,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[], paint = (_: string, s: string) => s): string =>
    cells
      .map((cell, i) => paint(cell, cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const verdictPaint = (cell: string, padded: string): string =>
    cell === 'GO'
      ? c.green(padded)
      : cell === 'NO-GO'
        ? c.red(padded)
        : cell === 'COULD NOT RUN'
          ? c.yellow(padded)
          : padded;
  const body = rows.map((row) => line(row, verdictPaint));
  const count = more
    ? `the latest ${runs.length} runs (--limit ${runs.length}; older ones are kept too)`
    : `${runs.length} run${runs.length === 1 ? '' : 's'}`;
  const footer = `${count} in ${where}; \`preflight serve\` shows them in the browser`;
  return `${[c.bold(line(header)), ...body].join('\n')}\n${c.dim(footer)}\n`;
}
