/**
 * Settling one comparison: the confidence-sequence interval of a relative change, its verdict
 * (judge), and when it is inconclusive the reason and how many more block pairs would settle
 * it. The A/A spread of each side is the noise floor shown beside it. See compare.ts for the
 * method and the verdict rules.
 */
import type { MetricComparison, MetricVerdict } from '../checks/metrics/result.js';
import { meanConfidenceSequence, unitsNeeded } from './sequential.js';

/** Sd (%) of the log ratio of neighbouring units of the same side: the A/A noise floor. */
export function aaSpread(perSide: Record<'baseline' | 'candidate', number[]>): number | null {
  const e: number[] = [];
  for (const values of Object.values(perSide))
    for (let i = 1; i < values.length; i++)
      e.push(Math.log((values[i] as number) / (values[i - 1] as number)));
  if (e.length < 4) return null;
  const mean = e.reduce((s, v) => s + v, 0) / e.length;
  const sd = Math.sqrt(e.reduce((s, v) => s + (v - mean) ** 2, 0) / (e.length - 1));
  return roundTo((Math.exp(sd) - 1) * 100);
}

export interface Settle {
  alpha: number;
  threshold: number;
  worse: 1 | -1;
  g: number;
  maxRounds: number;
}

/** Interval, verdict and (when inconclusive) the reason and projection of a relative change. */
export function settleRelative(row: MetricComparison, changes: number[], s: Settle): void {
  row.units = changes.length;
  if (changes.length === 0) return;
  const cs = meanConfidenceSequence(changes, s.alpha);
  const pct = (x: number): number => (Math.exp(x) - 1) * 100;
  row.change = roundTo(pct(cs.mean));
  if (!Number.isFinite(cs.interval[0]) || !Number.isFinite(cs.interval[1])) {
    row.reason = `not enough evidence yet: ${changes.length} unit${changes.length === 1 ? '' : 's'} give no finite interval`;
    return;
  }
  const interval: [number, number] = [pct(cs.interval[0]), pct(cs.interval[1])];
  row.interval = [roundTo(interval[0]) as number, roundTo(interval[1]) as number];
  row.verdict = judge(interval, s.threshold, s.worse);
  if (row.verdict !== 'inconclusive') return;
  // The half-width that would settle it: equivalence (threshold − |change|) or significance (|change|).
  const limit = Math.log(1 + s.threshold / 100);
  const need = Math.max(limit - Math.abs(cs.mean), Math.abs(cs.mean));
  const units = unitsNeeded(cs.sd, need, s.alpha);
  explainInconclusive(row, interval, (units - changes.length) * s.g, s);
}

export function explainInconclusive(
  row: MetricComparison,
  interval: [number, number],
  moreRounds: number,
  s: Settle,
): void {
  const unit = row.change_unit === '%' ? ' %' : ' pp';
  const sign = (n: number): string => `${n > 0 ? '+' : ''}${roundTo(n)}`;
  const bad = s.worse === 1 ? interval[1] >= s.threshold : interval[0] <= -s.threshold;
  const admits = s.worse === 1 ? (bad ? interval[1] : interval[0]) : bad ? interval[0] : interval[1];
  const left = s.maxRounds - row.units * s.g;
  if (!Number.isFinite(moreRounds) || moreRounds > Math.max(0, left) * 2 + s.g) {
    row.more_rounds = null;
    const spread = row.aa_spread !== null ? `A/A spread ±${row.aa_spread} %` : 'the interval stays wide';
    row.reason = `the machine is too noisy: ${spread}; showing ±${s.threshold}${unit} would take about ${Number.isFinite(moreRounds) ? `${Math.ceil(moreRounds)} more block pairs` : 'far more block pairs'} than max_duration allows`;
    return;
  }
  row.more_rounds = Math.max(1, Math.ceil(moreRounds));
  row.reason = `not enough evidence: the interval [${sign(interval[0])}, ${sign(interval[1])}] still admits a change of ${sign(admits)}${unit}; about ${row.more_rounds} more block pair${row.more_rounds === 1 ? '' : 's'} would settle it`;
}

/**
 * regressed: the interval lies above 0 (in the worse direction) and reaches the threshold;
 * improved: the mirror image; unchanged: the whole interval lies within ± the threshold;
 * otherwise inconclusive.
 */
export function judge(interval: [number, number], threshold: number, worse: 1 | -1): MetricVerdict {
  const [low, high] = worse === 1 ? interval : [-interval[1], -interval[0]];
  if (low > 0 && high >= threshold) return 'regressed';
  if (high < 0 && -low >= threshold) return 'improved';
  if (low > -threshold && high < threshold) return 'unchanged';
  return 'inconclusive';
}

export function roundTo(n: number | null): number | null {
  if (n === null) return null;
  if (!Number.isFinite(n)) return n > 0 ? 1e9 : -1e9;
  return Math.round(n * 100) / 100;
}
