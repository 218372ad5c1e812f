/**
 * Result types of the `metrics` check: baseline vs candidate, measured in interleaved
 * blocks, compared per critical path and metric. Part of the JSON result (`metrics`).
 */

/** The metrics compared for each critical path. */
export type MetricName = 'p50' | 'p95' | 'p99' | 'errors' | 'throughput';

/** What the comparison concluded for one metric of one path. */
export type MetricVerdict = 'regressed' | 'improved' | 'unchanged' | 'insufficient';

/** One row of the before/after table. */
export interface MetricComparison {
  path: string;
  metric: MetricName;
  /** ms for latencies, % for the error rate, iterations/s for throughput. */
  unit: 'ms' | '%' | '/s';
  /** Mean of the measured blocks' values; null without data. */
  before: number | null;
  after: number | null;
  /** Relative change in % (latencies, throughput) or difference in percentage points (errors). */
  change: number | null;
  change_unit: '%' | 'pp';
  /** Confidence interval of the change (same unit), null without data. */
  interval: [number, number] | null;
  /** The practical threshold beyond which a significant change counts; null when not gated. */
  threshold: number | null;
  verdict: MetricVerdict;
  /** A regression of this metric makes the check fail. */
  blocking: boolean;
}

/** An absolute service level objective checked on the candidate. */
export interface SloCheck {
  path: string;
  objective: 'p50_ms' | 'p95_ms' | 'p99_ms' | 'errors';
  limit: number;
  actual: number;
  pass: boolean;
}

/** Latency summary (ms) of a histogram. */
export interface LatencySummaryResult {
  count: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  /** Latency by percentile: [percentile, ms] pairs. */
  distribution: [number, number][];
}

/** Histogram summary of one path on one side, with its steps. */
export interface PathHistogramResult extends LatencySummaryResult {
  path: string;
  iterations: number;
  errors: number;
  error_rate: number;
  dropped: number;
  requests: number;
  rate: number;
  first_error?: string;
  steps: (LatencySummaryResult & { step: string; errors: number })[];
}

/** One path's values in one block. */
export interface BlockPathValues {
  path: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  throughput: number;
  dropped: number;
}

/** One measurement block. */
export interface MetricsBlock {
  index: number;
  side: 'baseline' | 'candidate';
  warmup: boolean;
  /** Start, in ms since the measurement began. */
  start_ms: number;
  duration_ms: number;
  paths: BlockPathValues[];
}

/** Which release a side is. */
export interface MetricsSide {
  /** What the plan or the command line asked for (`last-tag`, a ref, a file). */
  ref: string;
  /** The resolved ref or commit; null for the work tree. */
  resolved: string | null;
  source: 'git' | 'work-tree' | 'recorded';
  blocks: number;
}

/** What the `metrics` check measured and concluded. */
export interface MetricsResult {
  baseline: MetricsSide;
  candidate: MetricsSide;
  settings: { rate: number; block_ms: number; duration_ms: number; warmup: number; min_blocks: number };
  comparisons: MetricComparison[];
  slo: SloCheck[];
  histograms?: { baseline: PathHistogramResult[]; candidate: PathHistogramResult[] };
  blocks?: MetricsBlock[];
}
