/**
 * Bootstrap confidence intervals over measurement blocks.
 *
 * Why the bootstrap over blocks (and not Mann-Whitney U over requests, as Kayenta
 * does): requests within a block are not independent (they share the machine's
 * state at that moment: CPU frequency, other load, caches), so a test that treats
 * each request as a sample is overconfident and raises false alarms. Blocks of a
 * second or two, interleaved, are the units; the percentile bootstrap gives an
 * interval for the relative change directly, in the unit the thresholds are written
 * in (percent), for any metric (p50, p95, p99, error rate, throughput) without
 * assumptions on the latency distribution. A fixed-seed PRNG makes the same blocks
 * give the same verdict.
 *
 * Why paired, and why trimmed (measured with bench:verdict on a shared 2-core
 * machine): the machine drifts (other processes, JIT warm-up), and that drift moved
 * per-block p95 by far more than the sampling noise. A baseline block and the
 * candidate block measured right next to it share that state, so the per-pair ratio
 * cancels it: over 16 s A/A windows of 0.5 s blocks, the spread (sd) of the p95
 * change was 5.1 % unpaired and 1.7 % paired. A burst of load that hits one block of a
 * pair still makes one wild ratio, so the estimate is a trimmed mean of the per-pair
 * log-ratios (for latencies a quarter cut at each end: the interquartile mean), which
 * a few outlier pairs cannot move. Unpaired (`bootstrapChange`)
 * remains for a recorded baseline, whose blocks were measured at another time.
 */

/** A small, fast, seedable PRNG (mulberry32), returning floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the two sides are compared: relative change of means (%), or difference of means. */
export type ChangeKind = 'relative' | 'difference';

/** Options of a bootstrap. */
export interface BootstrapOptions {
  kind: ChangeKind;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  seed?: number;
}

/** A point change and its confidence interval. */
export interface ChangeEstimate {
  change: number;
  interval: [number, number];
}

/** Mean of a list (0 when empty). */
export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

function change(kind: ChangeKind, before: number, after: number): number {
  if (kind === 'difference') return after - before;
  return before === 0 ? (after === 0 ? 0 : Number.POSITIVE_INFINITY) : (after / before - 1) * 100;
}

function resampleMean(values: number[], random: () => number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)] as number;
  return sum / values.length;
}

/** The change from `before` blocks to `after` blocks, with a percentile bootstrap interval. */
export function bootstrapChange(before: number[], after: number[], o: BootstrapOptions): ChangeEstimate {
  const point = change(o.kind, mean(before), mean(after));
  const n = o.resamples ?? 2000;
  const random = createRandom(o.seed ?? 20_240_601);
  const draws = new Float64Array(n);
  for (let i = 0; i < n; i++)
    draws[i] = change(o.kind, resampleMean(before, random), resampleMean(after, random));
  draws.sort();
  const alpha = (1 - (o.confidence ?? 0.95)) / 2;
  const at = (q: number): number => draws[Math.min(n - 1, Math.max(0, Math.floor(q * n)))] as number;
  return { change: point, interval: [at(alpha), at(1 - alpha)] };
}

/** Options of a paired bootstrap. */
export interface PairedOptions extends BootstrapOptions {
  /** Share of pairs cut at each end before averaging (default 0: the plain mean). */
  trim?: number;
}

/** The mean of `values` after cutting `trim` of them at each end (sorts `values` in place). */
export function trimmedMean(values: Float64Array, trim: number): number {
  values.sort();
  const cut = Math.floor(values.length * trim);
  let sum = 0;
  for (let i = cut; i < values.length - cut; i++) sum += values[i] as number;
  return sum / (values.length - 2 * cut);
}

/**
 * The change over pairs of blocks measured side by side: relative, a trimmed mean of
 * the per-pair log-ratios (as a percentage); difference, a trimmed mean of the
 * per-pair differences. Pairs with a zero (or negative) value are left out of a
 * relative change. The interval is the percentile bootstrap over pairs.
 */
export function bootstrapPairedChange(pairs: [number, number][], o: PairedOptions): ChangeEstimate {
  const relative = o.kind === 'relative';
  const usable = relative ? pairs.filter(([b, a]) => b > 0 && a > 0) : pairs;
  if (usable.length === 0) return { change: 0, interval: [0, 0] };
  const d = Float64Array.from(usable, ([b, a]) => (relative ? Math.log(a / b) : a - b));
  const trim = o.trim ?? 0;
  const toChange = (x: number): number => (relative ? (Math.exp(x) - 1) * 100 : x);
  const point = toChange(trimmedMean(Float64Array.from(d), trim));
  const n = o.resamples ?? 2000;
  const random = createRandom(o.seed ?? 20_240_601);
  const draws = new Float64Array(n);
  const sample = new Float64Array(d.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d.length; j++) sample[j] = d[Math.floor(random() * d.length)] as number;
    draws[i] = toChange(trimmedMean(sample, trim));
  }
  draws.sort();
  const alpha = (1 - (o.confidence ?? 0.95)) / 2;
  const at = (q: number): number => draws[Math.min(n - 1, Math.max(0, Math.floor(q * n)))] as number;
  return { change: point, interval: [at(alpha), at(1 - alpha)] };
}
