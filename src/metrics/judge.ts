/**
 * Each path's SLOs checked against the candidate's histograms, and a comparison described in
 * words (`browse p95 +43.1% [+38.2, +49.0]`). The `metrics` check decides its outcome from these
 * (src/checks/metrics/outcome.ts).
 */

import type { MetricComparison, PathHistogramResult, SloCheck } from '../checks/metrics/result.js';
import type { CriticalPath } from '../plan/schema.js';

/** Check each path's `slo` against the candidate's histograms. */
export function checkSlos(paths: CriticalPath[], candidate: PathHistogramResult[]): SloCheck[] {
  const out: SloCheck[] = [];
  for (const path of paths) {
    const measured = candidate.find((h) => h.path === path.name);
    if (!path.slo || !measured || measured.iterations === 0) continue;
    for (const objective of ['p50_ms', 'p95_ms', 'p99_ms', 'errors'] as const) {
      const limit = path.slo[objective];
      if (limit === undefined) continue;
      const actual = objective === 'errors' ? measured.error_rate : measured[objective];
      out.push({ path: path.name, objective, limit, actual, pass: actual <= limit });
    }
  }
  return out;
}

/** The row's name: `browse p95`, or `checkout › pay p95` for a step. */
export function comparisonName(c: MetricComparison): string {
  return `${c.path}${c.step === null ? '' : ` › ${c.step}`} ${c.metric}`;
}

/** Describe one comparison in words, e.g. `browse p95 +43.1% [+38.2, +49.0]`. */
export function describeComparison(c: MetricComparison): string {
  const sign = (n: number): string => `${n > 0 ? '+' : ''}${n}`;
  const unit = c.change_unit === '%' ? '%' : ' pp';
  const interval = c.interval ? ` [${sign(c.interval[0])}, ${sign(c.interval[1])}]` : '';
  return `${comparisonName(c)} ${c.change === null ? 'n/a' : `${sign(c.change)}${unit}`}${interval}`;
}
