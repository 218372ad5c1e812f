/**
 * Bootstrap confidence intervals over measurement blocks.
 *
 * Why the bootstrap over blocks (and not Mann-Whitney U over requests, as Kayenta
 * does): requests within a block are not independent (they share the machine's
 * state at that moment: CPU frequency, other load, caches), so a test that treats
 * each request as a sample is overconfident and raises false alarms. Blocks of a
 * few seconds, interleaved A B A B, are the independent units; per-block values of
 * a percentile are roughly symmetric, and the percentile bootstrap of the ratio of
 * their means gives an interval for the relative change directly, in the unit the
 * thresholds are written in (percent), for any metric (p50, p95, p99, error rate,
 * throughput) without assumptions on the latency distribution. A fixed-seed PRNG
 * makes the same blocks give the same verdict.
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
