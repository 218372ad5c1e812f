/**
 * Baseline vs candidate: per critical path and metric, the change with its bootstrap
 * interval over blocks, and a verdict. A regression counts when it is significant
 * (the interval lies above 0) and the interval reaches the plan's threshold: the
 * threshold is the smallest regression the gate must catch, so a change whose interval
 * cannot rule out the threshold fails, and one shown to be smaller passes. (Judging
 * the point estimate against the threshold instead would catch a regression of exactly
 * the threshold only half of the time; bench:verdict measures both rates.)
 */
import type { BlockPathValues, MetricComparison, MetricName, MetricsBlock } from '../result-metrics.js';
import { bootstrapChange, bootstrapPairedChange, type ChangeKind, mean } from './bootstrap.js';

/** Thresholds per metric (percent, or percentage points for errors); absent: not gated. */
export type Thresholds = Partial<Record<MetricName, number>>;

/** How to compare. */
export interface CompareOptions {
  paths: string[];
  thresholds: Thresholds;
  /** Fewer measured blocks per side than this: `insufficient`. */
  minBlocks: number;
  confidence?: number;
  /**
   * Both sides were measured in this run, interleaved (default): compare block pairs
   * of the same round. False for a recorded baseline: unpaired.
   */
  paired?: boolean;
}

/**
 * Latencies are trimmed (a burst of other load on the machine hits single blocks);
 * errors and throughput are not (a burst of errors is the service's, not noise).
 */
const METRICS: {
  metric: MetricName;
  unit: MetricComparison['unit'];
  kind: ChangeKind;
  worse: 1 | -1;
  trim: number;
}[] = [
  { metric: 'p50', unit: 'ms', kind: 'relative', worse: 1, trim: 0.25 },
  { metric: 'p95', unit: 'ms', kind: 'relative', worse: 1, trim: 0.25 },
  { metric: 'p99', unit: 'ms', kind: 'relative', worse: 1, trim: 0.25 },
  { metric: 'errors', unit: '%', kind: 'difference', worse: 1, trim: 0 },
  { metric: 'throughput', unit: '/s', kind: 'relative', worse: -1, trim: 0 },
];

/** Thresholds used when a metric is not gated: a change this large is still reported. */
const REPORT_ONLY: Record<MetricName, number> = { p50: 10, p95: 10, p99: 25, errors: 0.5, throughput: 10 };

/** One path's measured values: per side, and paired by round (for interleaved sides). */
interface PathValues {
  before: BlockPathValues[];
  after: BlockPathValues[];
  pairs: [BlockPathValues, BlockPathValues][];
}

/** Compare the measured (non-warm-up) blocks of both sides. */
export function compareBlocks(blocks: MetricsBlock[], o: CompareOptions): MetricComparison[] {
  const measured = blocks.filter((b) => !b.warmup);
  return o.paths.flatMap((path) => {
    const values = pathValues(measured, path);
    return METRICS.map((m) => compareMetric(path, m, values, o));
  });
}

/** A path's values per side, and pairs: the two blocks of one round (indices 2r, 2r + 1). */
function pathValues(measured: MetricsBlock[], path: string): PathValues {
  const out: PathValues = { before: [], after: [], pairs: [] };
  const rounds = new Map<number, { baseline?: BlockPathValues; candidate?: BlockPathValues }>();
  for (const block of measured) {
    const value = block.paths.find((p) => p.path === path && p.count > 0);
    if (!value) continue;
    (block.side === 'baseline' ? out.before : out.after).push(value);
    const round = rounds.get(Math.floor(block.index / 2)) ?? {};
    round[block.side] = value;
    rounds.set(Math.floor(block.index / 2), round);
  }
  for (const round of rounds.values())
    if (round.baseline && round.candidate) out.pairs.push([round.baseline, round.candidate]);
  return out;
}

function compareMetric(
  path: string,
  m: (typeof METRICS)[number],
  values: PathValues,
  o: CompareOptions,
): MetricComparison {
  const gated = o.thresholds[m.metric];
  const threshold = gated ?? REPORT_ONLY[m.metric];
  const before = values.before.map((b) => b[m.metric]);
  const after = values.after.map((b) => b[m.metric]);
  const row: MetricComparison = {
    path,
    metric: m.metric,
    unit: m.unit,
    before: before.length ? round(mean(before)) : null,
    after: after.length ? round(mean(after)) : null,
    change: null,
    change_unit: m.kind === 'relative' ? '%' : 'pp',
    interval: null,
    threshold: gated ?? null,
    verdict: 'insufficient',
    blocking: gated !== undefined,
  };
  const paired = o.paired !== false;
  const units = paired ? values.pairs.length : Math.min(before.length, after.length);
  if (units === 0) return row;
  const confidence = o.confidence ?? 0.95;
  const estimate = paired
    ? bootstrapPairedChange(
        values.pairs.map(([b, a]) => [b[m.metric], a[m.metric]]),
        { kind: m.kind, confidence, trim: m.trim },
      )
    : bootstrapChange(before, after, { kind: m.kind, confidence });
  row.change = round(estimate.change);
  row.interval = [round(estimate.interval[0]), round(estimate.interval[1])];
  if (units < o.minBlocks) return row;
  row.verdict = judge(estimate.interval, threshold, m.worse);
  return row;
}

/**
 * regressed: the interval lies above 0 (in the worse direction) and reaches the
 * threshold; improved: the mirror image; otherwise unchanged.
 */
export function judge(
  interval: [number, number],
  threshold: number,
  worse: 1 | -1,
): 'regressed' | 'improved' | 'unchanged' {
  const [low, high] = worse === 1 ? interval : [-interval[1], -interval[0]];
  if (low > 0 && high >= threshold) return 'regressed';
  if (high < 0 && -low >= threshold) return 'improved';
  return 'unchanged';
}

function round(n: number): number {
  if (!Number.isFinite(n)) return n > 0 ? 1e9 : -1e9;
  return Math.round(n * 100) / 100;
}
