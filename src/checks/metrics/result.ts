/**
 * Result types of the `metrics` check: baseline vs candidate, measured in interleaved
 * blocks, compared per critical path and metric. Part of the JSON result (`metrics`).
 */
import type { LatencySummary } from '../../probe/histogram.js';

/** The metrics compared for each critical path. */
export type MetricName = 'p50' | 'p95' | 'p99' | 'errors' | 'throughput';

/**
 * What the comparison concluded for one metric of one path or step: `regressed` (the interval
 * lies above 0 and reaches the threshold), `improved` (the mirror image), `unchanged` (the whole
 * interval lies within ± the threshold: equivalence shown), `inconclusive` (anything else).
 */
export type MetricVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

/** What measuring a path without the regressed paths' load showed (see metrics/contention.ts). */
export interface ContentionFinding {
  /** The paths that regressed on the same server. */
  with: string[];
  /** This metric of this path, measured with the regressed paths left out. */
  alone: { verdict: MetricVerdict; change: number | null; interval: [number, number] | null };
  /** true: not regressed alone (contention explains the change); false: regressed alone too; null: alone inconclusive. */
  explained: boolean | null;
}

/** One row of the before/after table. */
export interface MetricComparison {
  path: string;
  /** The step, for a per-step row; null for the whole critical path. */
  step: string | null;
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
  /** A regression of this metric makes the check fail, and the measurement goes on until it is conclusive. */
  blocking: boolean;
  /** Units compared: each is `unit_rounds` rounds, one block of each side per round. */
  units: number;
  /** Rounds per unit: enough for the percentile's sample rule on each side (1 for errors and throughput). */
  unit_rounds: number;
  /** The noise floor: standard deviation (%) of the change between two units of the same side; null with fewer than 3 units. */
  aa_spread: number | null;
  /** Why a value is n/a or the verdict inconclusive, in words. */
  reason?: string;
  /** Rounds (block pairs) more that would likely settle an inconclusive row; null: not within reach. */
  more_rounds?: number | null;
  /** What measuring this path alone showed, when another path regressed on the same server. */
  contention?: ContentionFinding;
}

/** An absolute service level objective checked on the candidate. */
export interface SloCheck {
  path: string;
  objective: 'p50_ms' | 'p95_ms' | 'p99_ms' | 'errors';
  limit: number;
  actual: number;
  pass: boolean;
}

/** Latency summary (ms) of a histogram: the probe's summary, and the distribution. */
export interface LatencySummaryResult extends LatencySummary {
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

/** CPU and load of the machine during a block, from /proc (absent elsewhere). */
export interface BlockMachine {
  /** 1-minute load average at the block's end. */
  load: number;
  /** Share of CPU time stolen by the hypervisor during the block (%). */
  steal_pct: number;
  /** Share of CPU time busy (not idle) during the block, all cores (%). */
  busy_pct: number;
}

/** One measurement block. */
export interface MetricsBlock {
  index: number;
  side: 'baseline' | 'candidate';
  warmup: boolean;
  /** Measured round (0-based; -1 for warm-up rounds): the block of the other side in the same round is its pair. */
  round: number;
  /** `main`, or `alone` for the blocks that measured paths without the regressed ones (contention). */
  phase: 'main' | 'alone';
  machine?: BlockMachine;
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

/** How the measurement went: the sequential rule, when and why it stopped. */
export interface SequentialSummary {
  /** The interval method, in words, with its reference. */
  method: string;
  /** Family-wise confidence over the blocking comparisons (e.g. 0.99). */
  confidence: number;
  /** Looks taken (one after each measured round from `min_blocks` on). */
  looks: number;
  /** conclusive: every blocking comparison was; budget: max_duration was reached first; cancelled. */
  stopped: 'conclusive' | 'budget' | 'cancelled';
  /** Wall time of the main measurement, warm-up included (the contention phase has its own). */
  elapsed_ms: number;
  /** Measured rounds (block pairs) of the main phase. */
  rounds: number;
}

/** The machine while measuring: load average, CPU steal and busy share, over the blocks. */
export interface MachineNoise {
  load: { min: number; max: number } | null;
  steal_pct: number | null;
  busy_pct: number | null;
}

/** The step (or single-step path) whose latency changed the most, for the headline. */
export interface MovedStep {
  path: string;
  step: string | null;
  metric: MetricName;
  change: number;
  interval: [number, number];
  verdict: MetricVerdict;
}

/** The contention phase: paths measured alone, one after the other, after a path regressed while others moved. */
export interface ContentionSummary {
  /** The paths that regressed with all paths running. */
  regressed: string[];
  /** The paths measured alone (every path whose latency did not come out unchanged). */
  alone: string[];
  rounds: number;
  elapsed_ms: number;
}

/** What the `metrics` check measured and concluded. */
export interface MetricsResult {
  baseline: MetricsSide;
  candidate: MetricsSide;
  settings: {
    rate: number;
    block_ms: number;
    max_duration_ms: number;
    warmup: number;
    min_blocks: number;
    confidence: number;
    /** Who sent the load, when not the built-in probe: k6 in this many processes. */
    engine?: {
      name: 'k6';
      /**
       * @minimum 1
       * @asType integer
       */
      segments: number;
    };
  };
  sequential: SequentialSummary;
  noise: MachineNoise;
  moved: MovedStep | null;
  contention?: ContentionSummary;
  comparisons: MetricComparison[];
  slo: SloCheck[];
  histograms?: { baseline: PathHistogramResult[]; candidate: PathHistogramResult[] };
  blocks?: MetricsBlock[];
}
