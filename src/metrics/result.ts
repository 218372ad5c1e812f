/**
 * Building the `metrics` part of the JSON result from what was measured.
 */

import type { CriticalPath } from '../plan/schema.js';
import type { MetricsConfig } from '../plan/schema-metrics.js';
import { toPercent } from '../plan/schema-metrics.js';
import { summarizeRecords } from '../probe/recorder.js';
import type { MetricName, MetricsResult } from '../result-metrics.js';
import { compareBlocks, type Thresholds } from '../stats/compare.js';
import type { ResolvedBaseline } from './git-baseline.js';
import type { InterleaveResult } from './interleave.js';
import { checkSlos } from './judge.js';
import type { RecordedBaseline } from './recorded.js';

/** Everything the result is built from. */
export interface MetricsInputs {
  config: MetricsConfig;
  paths: CriticalPath[];
  baseline: Exclude<ResolvedBaseline, { kind: 'none' }>;
  measured: InterleaveResult;
  recorded: RecordedBaseline | null;
  rate: number;
  blockMs: number;
  durationMs: number;
  ref: string;
}

/** The thresholds of `metrics.regression`, as numbers. */
export function thresholdsOf(config: MetricsConfig): Thresholds {
  const out: Thresholds = {};
  for (const [metric, value] of Object.entries(config.regression)) {
    if (value !== undefined) out[metric as MetricName] = toPercent(value);
  }
  return out;
}

/** Build the MetricsResult: comparisons, SLOs, histograms and the block series. */
export function buildMetricsResult(i: MetricsInputs): MetricsResult {
  const blocks = [...(i.recorded?.blocks ?? []), ...i.measured.blocks];
  const comparisons = compareBlocks(blocks, {
    paths: i.paths.map((p) => p.name),
    thresholds: thresholdsOf(i.config),
    minBlocks: i.config.min_blocks,
    // A recorded baseline was measured at another time: no pairs of neighbouring blocks.
    paired: i.recorded === null,
  });
  const candidate = summarizeRecords(i.measured.records.candidate, i.measured.seconds.candidate);
  const baseline =
    i.recorded?.histograms ?? summarizeRecords(i.measured.records.baseline, i.measured.seconds.baseline);
  const count = (side: 'baseline' | 'candidate'): number =>
    blocks.filter((b) => b.side === side && !b.warmup).length;
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
      duration_ms: i.durationMs,
      warmup: i.config.warmup,
      min_blocks: i.config.min_blocks,
    },
    comparisons,
    slo: checkSlos(i.paths, candidate),
    histograms: { baseline, candidate },
    blocks,
  };
}
