/**
 * Building the `metrics` part of the JSON result from what was measured.
 */

import type {
  ContentionSummary,
  MetricComparison,
  MetricName,
  MetricsBlock,
  MetricsResult,
  MovedStep,
  SequentialSummary,
} from '../checks/metrics/result.js';
import type { CriticalPath } from '../plan/schema.js';
import type { MetricsConfig } from '../plan/schema-metrics.js';
import { toPercent } from '../plan/schema-metrics.js';
import { summarizeRecords } from '../probe/recorder.js';
import type { Thresholds } from '../stats/compare.js';
import type { ResolvedBaseline } from './git-baseline.js';
import type { InterleaveResult } from './interleave.js';
import { checkSlos } from './judge.js';
import { summarizeMachine } from './machine.js';
import type { RecordedBaseline } from './recorded.js';

/** The interval method, for the result and the reports. */
export const METRICS_METHOD =
  'per-unit log ratios of block percentiles, interleaved rounds; t confidence sequence (Wang & Ramdas 2023, arXiv:2310.03722), error rates by beta-binomial confidence sequence (Howard et al. 2021); Bonferroni over the blocking comparisons';

/** Everything the result is built from. */
export interface MetricsInputs {
  config: MetricsConfig;
  paths: CriticalPath[];
  baseline: Exclude<ResolvedBaseline, { kind: 'none' }>;
  measured: InterleaveResult;
  recorded: RecordedBaseline | null;
  comparisons: MetricComparison[];
  sequential: Omit<SequentialSummary, 'method' | 'confidence'>;
  contention?: { summary: ContentionSummary; blocks: MetricsBlock[]; elapsedMs: number };
  rate: number;
  blockMs: number;
  maxDurationMs: number;
  ref: string;
  engine?: { name: 'k6'; segments: number };
}

/** The thresholds of `metrics.regression`, as numbers. */
export function thresholdsOf(config: MetricsConfig): Thresholds {
  const out: Thresholds = {};
  for (const [metric, value] of Object.entries(config.regression)) {
    if (value !== undefined) out[metric as MetricName] = toPercent(value);
  }
  return out;
}

/** The family-wise confidence of `metrics.confidence`, as a fraction (e.g. 0.99). */
export function confidenceOf(config: MetricsConfig): number {
  const value = toPercent(config.confidence);
  return Math.min(0.9999, Math.max(0.5, value > 1 ? value / 100 : value));
}

/** Build the MetricsResult: comparisons, SLOs, histograms, the block series and how the measurement went. */
export function buildMetricsResult(i: MetricsInputs): MetricsResult {
  const blocks = [...(i.recorded?.blocks ?? []), ...i.measured.blocks, ...(i.contention?.blocks ?? [])];
  const candidate = summarizeRecords(i.measured.records.candidate, i.measured.seconds.candidate);
  const baseline =
    i.recorded?.histograms ?? summarizeRecords(i.measured.records.baseline, i.measured.seconds.baseline);
  const count = (side: 'baseline' | 'candidate'): number =>
    blocks.filter((b) => b.side === side && !b.warmup && b.phase === 'main').length;
  return {
    baseline: {
      ref: i.ref,
      resolved:
        i.baseline.kind === 'git' ? `${i.baseline.ref} (${i.baseline.commit.slice(0, 12)})` : i.baseline.file,
      source: i.baseline.kind === 'git' ? 'git' : 'recorded',
      blocks: count('baseline'),
    },
    candidate: { ref: 'work tree', resolved: null, source: 'work-tree', blocks: count('candidate') },
    settings: {
      rate: i.rate,
      block_ms: i.blockMs,
      max_duration_ms: i.maxDurationMs,
      warmup: i.config.warmup,
      min_blocks: i.config.min_blocks,
      confidence: confidenceOf(i.config),
      ...(i.engine ? { engine: i.engine } : {}),
    },
    sequential: { method: METRICS_METHOD, confidence: confidenceOf(i.config), ...i.sequential },
    noise: summarizeMachine(blocks.filter((b) => !b.warmup)),
    moved: movedStep(i.comparisons, i.paths),
    ...(i.contention ? { contention: i.contention.summary } : {}),
    comparisons: i.comparisons,
    slo: checkSlos(i.paths, candidate),
    histograms: { baseline, candidate },
    blocks,
  };
}

/**
 * The step whose latency moved the most: among the rows of steps (and of single-step paths,
 * whose step is the path), the regressed one with the largest change, else the largest change
 * of any verdict.
 */
export function movedStep(rows: MetricComparison[], paths: CriticalPath[]): MovedStep | null {
  const single = new Set(paths.filter((p) => p.steps.length === 1).map((p) => p.name));
  const candidates = rows.filter(
    (r) =>
      (r.step !== null || single.has(r.path)) &&
      (r.metric === 'p50' || r.metric === 'p95' || r.metric === 'p99') &&
      r.change !== null &&
      r.interval !== null,
  );
  const score = (r: MetricComparison): number =>
    (r.verdict === 'regressed' ? 1e12 : 0) + (r.change as number);
  const best = candidates.sort((a, b) => score(b) - score(a))[0];
  if (!best) return null;
  const path = paths.find((p) => p.name === best.path);
  return {
    path: best.path,
    step: best.step ?? path?.steps[0]?.name ?? null,
    metric: best.metric,
    change: best.change as number,
    interval: best.interval as [number, number],
    verdict: best.verdict,
  };
}
