/**
 * Baseline vs candidate: per critical path and metric, the change with its bootstrap
 * interval over blocks, and a verdict. A change counts only when it is both
 * significant (the interval excludes 0) and practical (beyond the plan's threshold).
 */
import type { BlockPathValues, MetricComparison, MetricName, MetricsBlock } from '../result-metrics.js';
import { bootstrapChange, type ChangeKind, mean } from './bootstrap.js';

/** Thresholds per metric (percent, or percentage points for errors); absent: not gated. */
export type Thresholds = Partial<Record<MetricName, number>>;

/** How to compare. */
export interface CompareOptions {
  paths: string[];
  thresholds: Thresholds;
  /** Fewer measured blocks per side than this: `insufficient`. */
  minBlocks: number;
  confidence?: number;
}

const METRICS: { metric: MetricName; unit: MetricComparison['unit']; kind: ChangeKind; worse: 1 | -1 }[] = [
  { metric: 'p50', unit: 'ms', kind: 'relative', worse: 1 },
  { metric: 'p95', unit: 'ms', kind: 'relative', worse: 1 },
  { metric: 'p99', unit: 'ms', kind: 'relative', worse: 1 },
  { metric: 'errors', unit: '%', kind: 'difference', worse: 1 },
  { metric: 'throughput', unit: '/s', kind: 'relative', worse: -1 },
];

/** Thresholds used when a metric is not gated: a change this large is still reported. */
const REPORT_ONLY: Record<MetricName, number> = { p50: 10, p95: 10, p99: 25, errors: 0.5, throughput: 10 };

/** Compare the measured (non-warm-up) blocks of both sides. */
export function compareBlocks(blocks: MetricsBlock[], o: CompareOptions): MetricComparison[] {
  const measured = blocks.filter((b) => !b.warmup);
  const values = (side: MetricsBlock['side'], path: string): BlockPathValues[] =>
    measured
      .filter((b) => b.side === side)
      .flatMap((b) => b.paths.filter((p) => p.path === path))
      .filter((p) => p.count > 0);
  return o.paths.flatMap((path) => {
    const before = values('baseline', path);
    const after = values('candidate', path);
    return METRICS.map((m) => compareMetric(path, m, before, after, o));
  });
}

function compareMetric(
  path: string,
  m: (typeof METRICS)[number],
  beforeBlocks: BlockPathValues[],
  afterBlocks: BlockPathValues[],
  o: CompareOptions,
): MetricComparison {
  const gated = o.thresholds[m.metric];
  const threshold = gated ?? REPORT_ONLY[m.metric];
  const before = beforeBlocks.map((b) => b[m.metric]);
  const after = afterBlocks.map((b) => b[m.metric]);
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
  if (before.length === 0 || after.length === 0) return row;
  const estimate = bootstrapChange(before, after, { kind: m.kind, confidence: o.confidence ?? 0.95 });
  row.change = round(estimate.change);
  row.interval = [round(estimate.interval[0]), round(estimate.interval[1])];
  if (before.length < o.minBlocks || after.length < o.minBlocks) return row;
  row.verdict = judge(estimate.change, estimate.interval, threshold, m.worse);
  return row;
}

/** regressed / improved when the interval excludes 0 and the change passes the threshold. */
export function judge(
  change: number,
  interval: [number, number],
  threshold: number,
  worse: 1 | -1,
): 'regressed' | 'improved' | 'unchanged' {
  const [low, high] = worse === 1 ? interval : [-interval[1], -interval[0]];
  const c = change * worse;
  if (low > 0 && c > threshold) return 'regressed';
  if (high < 0 && -c > threshold) return 'improved';
  return 'unchanged';
}

function round(n: number): number {
  if (!Number.isFinite(n)) return n > 0 ? 1e9 : -1e9;
  return Math.round(n * 100) / 100;
}
