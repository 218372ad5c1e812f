/**
 * Latency histograms: HDR histograms of microseconds (3 significant digits, up to
 * 10 minutes), so that memory stays flat however long the probe runs.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles and counts of one histogram, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

/** The highest latency recorded: 10 minutes; longer values are clamped to it. */
const HIGHEST_US = 600_000_000;

/** A latency histogram that records milliseconds with microsecond resolution. */
export class LatencyHistogram {
  readonly #histogram: Histogram;

  constructor() {
    this.#histogram = build({
      bitBucketSize: 32,
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_US,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
  }

  /** Record one latency, in milliseconds. */
  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000)));
    this.#histogram.recordValue(us);
  }

  /** Add every value of another histogram to this one. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** The value at a percentile (0-100), in milliseconds; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    return this.#histogram.getValueAtPercentile(p) / 1000;
  }

  /** Percentiles, max and mean, in milliseconds (rounded to 0.01 ms). */
  summary(): LatencySummary {
    const r = (us: number): number => Math.round(us / 10) / 100;
    const h = this.#histogram;
    if (h.totalCount === 0)
      return { count: 0, p50_ms: 0, p90_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0, mean_ms: 0 };
    return {
      count: h.totalCount,
      p50_ms: r(h.getValueAtPercentile(50)),
      p90_ms: r(h.getValueAtPercentile(90)),
      p95_ms: r(h.getValueAtPercentile(95)),
      p99_ms: r(h.getValueAtPercentile(99)),
      max_ms: r(h.maxValue),
      mean_ms: r(h.mean),
    };
  }

  /** The latency-by-percentile curve (HDR style), for charts: [percentile, ms] pairs. */
  distribution(): [number, number][] {
    if (this.count === 0) return [];
    return CURVE.map((p) => [p, Math.round(this.#histogram.getValueAtPercentile(p) / 10) / 100]);
  }
}

const CURVE = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 100];
