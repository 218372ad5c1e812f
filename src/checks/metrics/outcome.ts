/**
 * From comparisons and SLOs to the `metrics` check's outcome. A blocking regression (or a broken
 * SLO, or a candidate that fails every iteration) fails the check. A blocking comparison that
 * stayed inconclusive, or a path that could not be measured, is not a pass: the check covered
 * less than the plan asked (error INCOMPLETE_COVERAGE, which the verdict makes NO-GO), and the
 * summary says what evidence is missing.
 */

import { describeContention } from '../../metrics/contention.js';
import { comparisonName, describeComparison } from '../../metrics/judge.js';
import { INCOMPLETE_COVERAGE } from '../coverage.js';
import type { CoverageItem } from '../result.js';
import type { CheckOutcome } from '../types.js';
import type { MetricsResult } from './result.js';

/** What the check covered: paths measured on both sides, blocking comparisons conclusive. */
export function metricsCoverage(result: MetricsResult): CoverageItem[] {
  const blocking = result.comparisons.filter((c) => c.blocking && c.step === null);
  const asked = [...new Set(result.comparisons.filter((c) => c.step === null).map((c) => c.path))];
  const measured = (side: 'baseline' | 'candidate', path: string): boolean =>
    (result.histograms?.[side] ?? []).some((h) => h.path === path && h.iterations > 0);
  const missing = asked.filter((p) => !measured('candidate', p) || !measured('baseline', p));
  const open = blocking.filter((c) => c.verdict === 'inconclusive' && c.contention?.explained !== true);
  const paths: CoverageItem = {
    what: 'paths measured',
    covered: asked.length - missing.length,
    asked: asked.length,
  };
  if (missing.length > 0) paths.detail = `no iterations measured on both sides: ${missing.join(', ')}`;
  const conclusive: CoverageItem = {
    what: 'comparisons conclusive',
    covered: blocking.length - open.length,
    asked: blocking.length,
  };
  if (open.length > 0)
    conclusive.detail = open.map((c) => `${comparisonName(c)}: ${c.reason ?? 'inconclusive'}`).join('; ');
  return [paths, conclusive];
}

/** The check's outcome from the measured result. */
export function decideMetricsOutcome(result: MetricsResult, sloBlocking = true): CheckOutcome {
  const blocking = result.comparisons.filter((c) => c.blocking && c.step === null);
  const explained = blocking.filter((c) => c.contention?.explained === true);
  // A regression measured alone too (or never measured alone) is the path's own; one that was not,
  // or not settled, is named under contention instead.
  const regressed = blocking.filter(
    (c) => c.verdict === 'regressed' && (c.contention === undefined || c.contention.explained === false),
  );
  const broken = result.slo.filter((s) => !s.pass);
  const allErrors = (result.histograms?.candidate ?? []).filter(
    (h) => h.iterations > 0 && h.errors === h.iterations,
  );
  const versus = `${result.baseline.resolved ?? result.baseline.ref} vs work tree`;
  const coverage = metricsCoverage(result);
  const problems: string[] = [];
  for (const h of allErrors)
    problems.push(
      `the candidate failed every iteration of ${h.path} (first error: ${h.first_error ?? 'unknown'})`,
    );
  if (regressed.length > 0) problems.push(`regressed: ${regressed.map(describeComparison).join('; ')}`);
  const sloText = `SLO broken: ${broken.map((s) => `${s.path} ${s.objective} ${s.actual} > ${s.limit}`).join('; ')}`;
  if (broken.length > 0 && sloBlocking) problems.push(sloText);
  const contention = blocking
    .filter((c) => c.contention && c.contention.explained !== false && c.verdict !== 'unchanged')
    .map(
      (c) =>
        `${describeComparison(c)} ${describeContention(c.contention as NonNullable<typeof c.contention>)}`,
    );
  const open = blocking.filter((c) => c.verdict === 'inconclusive' && c.contention?.explained !== true);
  const evidence = open.map((c) => `${describeComparison(c)}: ${c.reason ?? 'inconclusive'}`);
  if (problems.length > 0) {
    const notes = [
      ...(contention.length > 0 ? [`contention: ${contention.join('; ')}`] : []),
      ...(open.length > 0 && regressed.length === 0 ? [`also inconclusive: ${evidence.join('; ')}`] : []),
    ];
    return {
      status: 'fail',
      summary: `${problems.join('; ')} (${versus})${notes.length ? `; ${notes.join('; ')}` : ''}`,
      coverage,
    };
  }
  const unmeasured = coverage[0] as CoverageItem;
  if (open.length > 0 || unmeasured.covered < unmeasured.asked) {
    const message = [
      ...(unmeasured.detail ? [unmeasured.detail] : []),
      ...(open.length > 0
        ? [
            `not enough evidence for ${open.length} of ${blocking.length} blocking comparisons: ${evidence.join('; ')}`,
          ]
        : []),
    ].join('; ');
    return {
      status: 'error',
      summary: `${message} (${versus})`,
      error: { code: INCOMPLETE_COVERAGE, message },
      coverage,
    };
  }
  const paths = new Set(blocking.map((c) => c.path)).size;
  const rounds = result.sequential.rounds;
  const advisory = broken.length > 0 ? `; advisory ${sloText}` : '';
  const explainedNote = explained.length > 0 ? `; contention: ${contention.join('; ')}` : '';
  return {
    status: 'pass',
    summary: `no regression on ${paths} critical path${paths === 1 ? '' : 's'}: ${blocking.length} blocking comparison${blocking.length === 1 ? '' : 's'} conclusive after ${rounds} block pair${rounds === 1 ? '' : 's'} (${versus})${explainedNote}${advisory}`,
    coverage,
  };
}
