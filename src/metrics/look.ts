/**
 * The look after each measured round: compare what was measured so far and decide whether to
 * go on. Measurement stops once every blocking comparison is conclusive (and `min_blocks`
 * rounds were measured), else it goes on until the budget is spent: a comparison that looks out
 * of reach may still settle when the machine calms down (it is labelled "too noisy" if not).
 * Stopping at a look is what confidence sequences allow (stats/sequential.ts): the intervals
 * hold at every look at once, so the look itself costs no error rate.
 */

import type { MetricComparison, SequentialSummary } from '../checks/metrics/result.js';
import type { CriticalPath } from '../plan/schema.js';
import { compareSamples, type Thresholds } from '../stats/compare.js';
import type { SampleBlock } from '../stats/samples.js';
import { type InterleaveOptions, type InterleaveResult, measureInterleaved } from './interleave.js';

/** What the looks compare with. */
export interface LookSettings {
  paths: CriticalPath[];
  thresholds: Thresholds;
  /** Family-wise error rate (1 − confidence). */
  alpha: number;
  /** Samples expected per path and block. */
  perBlock: number;
  /** Rounds the budget allows. */
  maxRounds: number;
  /** Rounds measured before the first decision. */
  minRounds: number;
  /** The rows that must be conclusive (default: the blocking rows of paths). */
  focus?: (row: MetricComparison) => boolean;
}

/** Compare the samples measured so far (per-step rows only when `steps`). */
export function compareSoFar(samples: SampleBlock[], s: LookSettings, steps: boolean): MetricComparison[] {
  return compareSamples(samples, {
    paths: s.paths.map((p) => ({ name: p.name, steps: p.steps.map((step) => step.name) })),
    thresholds: s.thresholds,
    alpha: s.alpha,
    perBlock: s.perBlock,
    maxRounds: s.maxRounds,
    steps,
  });
}

/** Whether to stop after `rounds` measured rounds: conclusive, or null (go on). */
export function decideLook(rows: MetricComparison[], rounds: number, s: LookSettings): 'conclusive' | null {
  if (rounds < s.minRounds) return null;
  const focus = s.focus ?? ((r: MetricComparison) => r.blocking && r.step === null);
  const open = rows.filter((r) => focus(r) && r.verdict === 'inconclusive');
  return open.length === 0 ? 'conclusive' : null;
}

/**
 * Measure round after round, looking after each (look.ts): until every blocking comparison is
 * conclusive, the thresholds are out of reach, or the budget is spent.
 */
export async function measureSequentially(
  o: InterleaveOptions,
  look: LookSettings,
  recordedSamples: SampleBlock[],
): Promise<{ measured: InterleaveResult; summary: Omit<SequentialSummary, 'method' | 'confidence'> }> {
  let looks = 0;
  let decision: 'conclusive' | null = null;
  const measured = await measureInterleaved({
    ...o,
    afterRound: (soFar) => {
      if (soFar.rounds < look.minRounds) return false;
      looks++;
      decision = decideLook(
        compareSoFar([...recordedSamples, ...soFar.samples], look, false),
        soFar.rounds,
        look,
      );
      return decision !== null;
    },
  });
  const stopped = measured.stopped === 'cancelled' ? 'cancelled' : (decision ?? 'budget');
  return {
    measured,
    summary: { looks, stopped, elapsed_ms: Math.round(measured.elapsedMs), rounds: measured.rounds },
  };
}
