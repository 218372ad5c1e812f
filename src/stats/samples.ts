/**
 * What the comparison reads: per measured block, each path's latencies (and each step's), its
 * iteration and error counts. Blocks of an interleaved measurement carry raw samples; blocks of a
 * recorded baseline carry only the percentiles its JSON kept.
 */

/** One step's latencies (ms) in one block. */
export interface StepSamples {
  step: string;
  latencies: Float64Array | null;
}

/** One path in one block. */
export interface PathSamples {
  path: string;
  iterations: number;
  errors: number;
  /** Iterations per second over the block. */
  throughput: number;
  /** Iteration latencies (ms), or null for a recorded baseline (then `values` holds its percentiles). */
  latencies: Float64Array | null;
  values?: { p50: number; p95: number; p99: number };
  steps: StepSamples[];
}

/** One measured block of one side. */
export interface SampleBlock {
  side: 'baseline' | 'candidate';
  /** Measured round: blocks of both sides with the same round form a pair. */
  round: number;
  paths: PathSamples[];
}
