/**
 * The numbers a critical path's trend is drawn from, per run: p50/p95 latency and error rate.
 * From the load probe's histograms when the run measured metrics, else from the run's step
 * timings (each executed step is one sample).
 */
import type { PathResult } from '../checks/paths/result.js';
import type { RunResult } from '../run/result.js';

/** One critical path's numbers in one run. */
export interface PathStats {
  path: string;
  owner: string;
  status: PathResult['status'];
  source: 'steps' | 'metrics';
  samples: number;
  p50_ms: number | null;
  p95_ms: number | null;
  error_pct: number;
}

/** The nearest-rank percentile `q` (0..1) of `values`; null when there are none. */
export function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Per critical path of `result`: its trend numbers. */
export function pathStats(result: RunResult): PathStats[] {
  const measured = new Map((result.metrics?.histograms?.candidate ?? []).map((h) => [h.path, h]));
  return result.paths.map((path) => {
    const histogram = measured.get(path.name);
    const base = { path: path.name, owner: path.owner, status: path.status };
    if (histogram && histogram.iterations > 0) {
      return {
        ...base,
        source: 'metrics' as const,
        samples: histogram.iterations,
        p50_ms: round(histogram.p50_ms),
        p95_ms: round(histogram.p95_ms),
        error_pct: round(histogram.error_rate),
      };
    }
    return { ...base, ...stepStats(path) };
  });
}

function stepStats(
  path: PathResult,
): Pick<PathStats, 'source' | 'samples' | 'p50_ms' | 'p95_ms' | 'error_pct'> {
  const ran = path.steps.filter((s) => s.status !== 'skip');
  const durations = ran.map((s) => s.duration_ms);
  const failed = ran.filter((s) => s.status === 'fail' || s.status === 'error').length;
  const p50 = percentile(durations, 0.5);
  const p95 = percentile(durations, 0.95);
  return {
    source: 'steps',
    samples: ran.length,
    p50_ms: p50 === null ? null : round(p50),
    p95_ms: p95 === null ? null : round(p95),
    error_pct: ran.length === 0 ? 0 : round((failed / ran.length) * 100),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
