/**
 * Percentiles of samples, and how many samples a percentile needs before it is reported.
 *
 * The rule (distribution-free, from the binomial distribution of order statistics): the
 * p-th percentile is reported only from n ≥ ln(0.025) / ln(p) samples, the smallest n for
 * which the chance that every sample lies below the true percentile is at most 2.5 %. With
 * fewer, the "percentile" is the sample's maximum more often than that, and says nothing of
 * the percentile (8 samples give the same p95 and p99: their maximum). It asks for 6 samples
 * for p50, 72 for p95 and 368 for p99.
 */

/** Samples needed before the percentile `p` (0-100) is reported. */
export function samplesNeeded(p: number): number {
  const q = p / 100;
  if (q <= 0) return 1;
  if (q >= 1) return Number.POSITIVE_INFINITY;
  return Math.ceil(Math.log(0.025) / Math.log(q));
}

/** The percentile `p` (0-100) of sorted samples, linearly interpolated (Hyndman and Fan type 7). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * (p / 100);
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = lo + 1 < n ? (sorted[lo + 1] as number) : a;
  return a + (h - lo) * (b - a);
}

/** Sorted copy of samples (numeric order). */
export function sortedSamples(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples).sort();
}
