/**
 * From comparisons and SLOs to the check's outcome: fail on a blocking regression or
 * a broken SLO, with a summary that names the path, metric, change and interval.
 */
import type { CheckOutcome } from '../checks/types.js';
import type { CriticalPath } from '../plan/schema.js';
import type { MetricComparison, MetricsResult, PathHistogramResult, SloCheck } from '../result-metrics.js';

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

/** Describe one comparison in words, e.g. `browse p95 +43.1% [+38.2, +49.0]`. */
export function describeComparison(c: MetricComparison): string {
  const sign = (n: number): string => `${n > 0 ? '+' : ''}${n}`;
  const unit = c.change_unit === '%' ? '%' : ' pp';
  const interval = c.interval ? ` [${sign(c.interval[0])}, ${sign(c.interval[1])}]` : '';
  return `${c.path} ${c.metric} ${c.change === null ? 'n/a' : `${sign(c.change)}${unit}`}${interval}`;
}

/** The check's outcome from the measured result. */
export function decideMetricsOutcome(result: MetricsResult, sloBlocking = true): CheckOutcome {
  const regressed = result.comparisons.filter((c) => c.verdict === 'regressed' && c.blocking);
  const broken = result.slo.filter((s) => !s.pass);
  const allErrors = (result.histograms?.candidate ?? []).filter(
    (h) => h.iterations > 0 && h.errors === h.iterations,
  );
  const versus = `${result.baseline.resolved ?? result.baseline.ref} vs work tree`;
  const problems: string[] = [];
  for (const h of allErrors)
    problems.push(
      `the candidate failed every iteration of ${h.path} (first error: ${h.first_error ?? 'unknown'})`,
    );
  if (regressed.length > 0) problems.push(`regressed: ${regressed.map(describeComparison).join('; ')}`);
  const sloText = `SLO broken: ${broken.map((s) => `${s.path} ${s.objective} ${s.actual} > ${s.limit}`).join('; ')}`;
  if (broken.length > 0 && sloBlocking) problems.push(sloText);
  if (problems.length > 0) return { status: 'fail', summary: `${problems.join('; ')} (${versus})` };
  const insufficient = result.comparisons.filter((c) => c.verdict === 'insufficient').length;
  const paths = new Set(result.comparisons.map((c) => c.path)).size;
  const note =
    insufficient > 0 ? `; ${insufficient} metric${insufficient === 1 ? '' : 's'} without enough data` : '';
  return {
    status: 'pass',
    summary: `no regression on ${paths} critical path${paths === 1 ? '' : 's'} (${versus})${note}${broken.length > 0 ? `; advisory ${sloText}` : ''}`,
  };
}
