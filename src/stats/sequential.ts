/**
 * Confidence sequences: intervals that hold at every look at once, so measurement may go on
 * until the data settle a question and stop then, without inflating the error rates.
 *
 * A confidence sequence (C_n) at level α covers the true value at all n simultaneously:
 * P(∃ n: μ ∉ C_n) ≤ α (Darling & Robbins 1967). Stopping at any data-dependent time (here:
 * when every blocking comparison is conclusive) therefore keeps the coverage of the interval
 * reported at that time, and so does reporting the running intersection of the C_n.
 *
 * Means of per-unit changes (latencies): the t confidence sequence of
 *   H. Wang and A. Ramdas, "Anytime-valid t-tests and confidence sequences for Gaussian means
 *   with unknown variance", Sequential Analysis 44 (2025), arXiv:2310.03722, section 3:
 * Lai's (1976) construction with the flat mixture over the mean swapped for a Gaussian one.
 * The Bayes factor of the one-sample t statistic with a right-Haar (1/σ) mixture over the
 * scale and a N(0, g) mixture over the standardised effect δ = (μ − μ0)/σ,
 *   B_n(μ0) = (1 + n g)^(-1/2) · [(1 + t²/ν) / (1 + t²/(ν (1 + n g)))]^((ν + 1)/2),  ν = n − 1,
 * is a test martingale under μ = μ0 (in the filtration of the scale-invariant data; see also
 * Pérez-Ortiz, Lardy, de Heide and Grünwald, "E-statistics, group invariance and anytime-valid
 * testing", Annals of Statistics 52, 2024), so by Ville's inequality P(∃ n: B_n(μ) ≥ 1/α) ≤ α
 * and C_n = {μ0 : B_n(μ0) < 1/α} = mean ± t*_n · s/√n is a confidence sequence. It assumes
 * independent, roughly normal units; the per-unit log ratios of block percentiles are close to
 * that, and clipping them (see compare.ts) bounds what a freak block can do.
 *
 * Error rates (errors per iteration): the beta-binomial mixture confidence sequence for a
 * Bernoulli mean (Robbins 1970; Howard, Ramdas, McAuliffe and Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49, 2021,
 * section 3.2): with a Beta(1, b) mixture over p, M_n(p) = B(1 + S, b + n − S) / (B(1, b)
 * p^S (1 − p)^(n − S)) is a test martingale under p, and so is the average of two such
 * mixtures (b = 1000 for the rare errors a launch gate is about, b = 1 for the rest);
 * C_n = {p : M_n(p) < 1/α}.
 */

/** The mixture variance g of the standardised effect: widths are within a few % of the best g for n = 6…60. */
const MIXTURE_G = 2;

/**
 * The multiplier t*_n of the t confidence sequence at level α after n units (the interval is
 * mean ± t*_n · s/√n); Infinity while n is too small for any finite interval.
 */
export function tMultiplier(n: number, alpha: number, g = MIXTURE_G): number {
  if (n < 2) return Number.POSITIVE_INFINITY;
  const nu = n - 1;
  const k = 1 + n * g;
  // B_n = 1/α solved for t²: (1 + t²/ν) / (1 + t²/(ν k)) = R.
  const r = Math.exp((2 / (nu + 1)) * (0.5 * Math.log(k) - Math.log(alpha)));
  if (r >= k) return Number.POSITIVE_INFINITY;
  return Math.sqrt((nu * (r - 1)) / (1 - r / k));
}

/** A mean with its confidence-sequence interval. */
export interface MeanInterval {
  n: number;
  mean: number;
  /** Sample standard deviation of the values (0 with fewer than 2). */
  sd: number;
  interval: [number, number];
}

/** The mean of `values` and its t confidence sequence interval at level α. */
export function meanConfidenceSequence(values: number[], alpha: number): MeanInterval {
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((s, v) => s + v, 0) / n;
  const sd = n < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = n < 2 ? Number.POSITIVE_INFINITY : sd === 0 ? 0 : (tMultiplier(n, alpha) * sd) / Math.sqrt(n);
  return { n, mean, sd, interval: [mean - half, mean + half] };
}

/**
 * The smallest number of units at which the interval's half-width, for values of standard
 * deviation `sd`, would fall below `halfWidth`; Infinity when even `limit` units would not do.
 */
export function unitsNeeded(sd: number, halfWidth: number, alpha: number, limit = 10_000): number {
  if (halfWidth <= 0) return Number.POSITIVE_INFINITY;
  if (sd === 0) return 2;
  const fits = (n: number): boolean => (tMultiplier(n, alpha) * sd) / Math.sqrt(n) < halfWidth;
  if (!fits(limit)) return Number.POSITIVE_INFINITY;
  let lo = 2;
  let hi = limit;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const LOG_FACTORIALS: number[] = [0];

/** ln(k!) for an integer k ≥ 0: exact sums up to 1024, Stirling's series beyond (error < 1e-12). */
function logFactorial(k: number): number {
  if (k < 1024) {
    for (let i = LOG_FACTORIALS.length; i <= k; i++)
      LOG_FACTORIALS[i] = (LOG_FACTORIALS[i - 1] as number) + Math.log(i);
    return LOG_FACTORIALS[k] as number;
  }
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/** ln B(1 + s, b + n − s) − ln B(1, b), for integers (ln B(x, y) = lnΓ(x) + lnΓ(y) − lnΓ(x + y)). */
function logBetaRatio(s: number, n: number, b: number): number {
  return logFactorial(s) + logFactorial(b + n - s - 1) - logFactorial(b + n) + Math.log(b);
}

/**
 * The Beta(1, b) priors' b: 1000 puts mass near error rates of 0.1 % or less, where the
 * thresholds of a launch gate live, so that a run without errors soon bounds the rate; 1 (the
 * uniform prior) keeps the interval tight for a service that does fail a few % of iterations.
 */
const ERROR_PRIORS_B = [1000, 1];

/** The confidence-sequence interval of a Bernoulli rate after `failures` in `trials`, at level α. */
export function rateConfidenceSequence(failures: number, trials: number, alpha: number): [number, number] {
  if (trials === 0) return [0, 1];
  const level = Math.log(1 / alpha);
  const mixtures = ERROR_PRIORS_B.map((b) => logBetaRatio(failures, trials, b));
  const top = Math.max(...mixtures);
  const logMixture =
    top + Math.log(mixtures.reduce((sum, m) => sum + Math.exp(m - top), 0) / mixtures.length);
  const logM = (p: number): number =>
    logMixture - failures * Math.log(p) - (trials - failures) * Math.log1p(-p);
  const hat = failures / trials;
  // log M is convex in p with its minimum at the observed rate: one root on each side.
  const root = (inside: number, outside: number): number => {
    let a = inside;
    let b = outside;
    for (let i = 0; i < 60; i++) {
      const mid = (a + b) / 2;
      if (logM(mid) < level) a = mid;
      else b = mid;
    }
    return a;
  };
  const lower = failures === 0 ? 0 : root(hat, 0);
  const upper = failures === trials ? 1 : root(hat, 1);
  return [lower, upper];
}
