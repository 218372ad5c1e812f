/**
 * Chart specifications: plain data that the page's script (`assets/dashboard.js`) draws with
 * uPlot. A page lists its charts in one JSON block and marks where each goes; the same spec
 * is drawn on the dashboard and in the self-contained report.
 */
import type { MetricsResult } from '../checks/metrics/result.js';
import type { PathResult } from '../checks/paths/result.js';
import type { RunResult } from '../run/result.js';
import type { PathTrendPoint } from '../store/types.js';
import { html, jsonScript, type SafeHtml } from './html.js';

/** One series of a chart. */
export interface ChartSeries {
  label: string;
  /** `ms` on the left axis, `%` on the right one. */
  unit: 'ms' | '%';
  values: (number | null)[];
}

/** One chart: x positions with their tick labels, and the series drawn over them. */
export interface ChartSpec {
  kind: 'line' | 'bars';
  title: string;
  xLabel: string;
  x: number[];
  /** The label of each x position (a run's version, a step's name, a percentile). */
  ticks: string[];
  series: ChartSeries[];
}

/** Collects a page's charts; `slot` marks where one goes, `data` is the JSON block for the script. */
export class ChartSet {
  readonly #specs: ChartSpec[] = [];

  /** A placeholder the script draws `spec` into, with the chart's title for people and tests. */
  slot(spec: ChartSpec): SafeHtml {
    const index = this.#specs.push(spec) - 1;
    return html`<figure class="chart" data-chart="${index}"><figcaption>${spec.title}</figcaption></figure>`;
  }

  /** The JSON block the page's script reads the charts from. */
  data(): SafeHtml {
    return jsonScript('preflight-charts', this.#specs);
  }

  get size(): number {
    return this.#specs.length;
  }
}

/** A bar chart of the step durations of one critical path in one run. */
export function stepTimingChart(path: PathResult): ChartSpec {
  const steps = path.steps;
  return {
    kind: 'bars',
    title: `${path.name}: step durations (ms)`,
    xLabel: 'step',
    x: steps.map((_, i) => i),
    ticks: steps.map((s) => s.name),
    series: [
      {
        label: 'duration',
        unit: 'ms',
        values: steps.map((s) => (s.status === 'skip' ? null : s.duration_ms)),
      },
    ],
  };
}

/** p50, p95 and error rate of one critical path across runs (oldest first). */
export function trendChart(path: string, points: PathTrendPoint[]): ChartSpec {
  return {
    kind: 'line',
    title: `${path}: p50 / p95 (ms) and error rate (%) per run`,
    xLabel: 'run',
    x: points.map((_, i) => i),
    ticks: points.map((p) => p.version ?? p.git_ref ?? p.run_id.slice(-6)),
    series: [
      { label: 'p50', unit: 'ms', values: points.map((p) => p.p50_ms) },
      { label: 'p95', unit: 'ms', values: points.map((p) => p.p95_ms) },
      { label: 'errors', unit: '%', values: points.map((p) => p.error_pct) },
    ],
  };
}

/** Latency by percentile of one critical path, before (run A) and after (run B). */
export function distributionChart(
  path: string,
  before: [number, number][],
  after: [number, number][],
): ChartSpec {
  const percentiles = [...new Set([...before, ...after].map(([p]) => p))].sort((a, b) => a - b);
  const at = (curve: [number, number][]) => {
    const byPercentile = new Map(curve);
    return percentiles.map((p) => byPercentile.get(p) ?? null);
  };
  return {
    kind: 'line',
    title: `${path}: latency distribution (ms by percentile)`,
    xLabel: 'percentile',
    x: percentiles,
    ticks: percentiles.map((p) => `p${p}`),
    series: [
      { label: 'before', unit: 'ms', values: at(before) },
      { label: 'after', unit: 'ms', values: at(after) },
    ],
  };
}

/** One path's p95 in each measured round, before and after (warm-up and `alone` blocks left out). */
export function blocksChart(path: string, metrics: MetricsResult): ChartSpec {
  const main = (metrics.blocks ?? []).filter((b) => !b.warmup && b.phase === 'main');
  const rounds = [...new Set(main.map((b) => b.round))].sort((a, b) => a - b);
  const p95 = (side: 'baseline' | 'candidate') =>
    rounds.map(
      (r) =>
        main.find((b) => b.round === r && b.side === side)?.paths.find((v) => v.path === path)?.p95 ?? null,
    );
  return {
    kind: 'line',
    title: `${path}: p95 per round (ms; warm-up left out)`,
    xLabel: 'round',
    x: rounds,
    ticks: rounds.map((r) => `round ${r + 1}`),
    series: [
      { label: 'before', unit: 'ms', values: p95('baseline') },
      { label: 'after', unit: 'ms', values: p95('candidate') },
    ],
  };
}

/**
 * The latency curve of a critical path in a run: the load probe's distribution when it was
 * measured, else the run's step durations by rank.
 */
export function latencyCurve(result: RunResult, path: string): [number, number][] {
  const measured = result.metrics?.histograms?.candidate.find((h) => h.path === path);
  if (measured && measured.distribution.length > 0) return measured.distribution;
  const durations = (result.paths.find((p) => p.name === path)?.steps ?? [])
    .filter((s) => s.status !== 'skip')
    .map((s) => s.duration_ms)
    .sort((a, b) => a - b);
  return durations.map((ms, i) => [Math.round(((i + 1) / durations.length) * 1000) / 10, ms]);
}
