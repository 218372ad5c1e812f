/**
 * What the probe keeps while it runs: per path and per step, an HDR histogram,
 * counts of iterations, errors and dropped iterations, and the first error seen.
 */

import type { PathHistogramResult } from '../checks/metrics/result.js';
import type { CriticalPath } from '../plan/schema.js';
import { LatencyHistogram } from './histogram.js';

/** One step's latencies and errors. */
export interface StepRecord {
  name: string;
  histogram: LatencyHistogram;
  errors: number;
  /** Every latency (ms) in arrival order, when the caller asked to keep samples (the before/after comparison does). */
  samples: number[] | null;
}

/** One critical path's latencies (from the intended start) and counts. */
export interface PathRecord {
  name: string;
  histogram: LatencyHistogram;
  steps: StepRecord[];
  iterations: number;
  errors: number;
  dropped: number;
  requests: number;
  firstError: string | null;
  /** Every iteration latency (ms), when the caller asked to keep samples. */
  samples: number[] | null;
}

/** Create empty records for the given critical paths; `keepSamples` keeps every latency too. */
export function createPathRecords(paths: CriticalPath[], keepSamples = false): PathRecord[] {
  return paths.map((path) => ({
    name: path.name,
    histogram: new LatencyHistogram(),
    samples: keepSamples ? [] : null,
    steps: path.steps.map((step) => ({
      name: step.name,
      histogram: new LatencyHistogram(),
      errors: 0,
      samples: keepSamples ? [] : null,
    })),
    iterations: 0,
    errors: 0,
    dropped: 0,
    requests: 0,
    firstError: null,
  }));
}

/** Add the counts and histograms of `from` into `into` (same paths, same order). */
export function mergePathRecords(into: PathRecord[], from: PathRecord[]): void {
  for (const [i, target] of into.entries()) {
    const source = from[i];
    if (!source) continue;
    target.histogram.add(source.histogram);
    for (const [j, step] of target.steps.entries()) {
      const other = source.steps[j];
      if (!other) continue;
      step.histogram.add(other.histogram);
      step.errors += other.errors;
    }
    target.iterations += source.iterations;
    target.errors += source.errors;
    target.dropped += source.dropped;
    target.requests += source.requests;
    target.firstError ??= source.firstError;
  }
}

/** A serialisable summary of one path's record: the JSON result's histogram shape. */
export type PathSummary = PathHistogramResult;

/** Summaries of path records measured over `seconds`. */
export function summarizeRecords(records: PathRecord[], seconds: number): PathSummary[] {
  return records.map((r) => ({
    path: r.name,
    ...r.histogram.summary(),
    iterations: r.iterations,
    errors: r.errors,
    error_rate: r.iterations === 0 ? 0 : round4((r.errors / r.iterations) * 100),
    dropped: r.dropped,
    requests: r.requests,
    rate: seconds > 0 ? round4(r.iterations / seconds) : 0,
    ...(r.firstError ? { first_error: r.firstError } : {}),
    distribution: r.histogram.distribution(),
    steps: r.steps.map((s) => ({
      step: s.name,
      ...s.histogram.summary(),
      errors: s.errors,
      distribution: s.histogram.distribution(),
    })),
  }));
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
