/**
 * The pages' charts: a path's trend across runs, its latency curve (a path's step durations are
 * the paths kind's, checks/paths/report-html.ts). The chart specification and the set a page
 * collects are in render/charts.ts.
 */
import type { ChartSpec } from '../render/charts.js';
import type { RunResult } from '../run/result.js';
import type { PathTrendPoint } from '../store/types.js';

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
