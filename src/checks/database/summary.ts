/**
 * The check's outcome from its review: fail on a finding of severity error, the summary
 * line, and the findings in the generic form every reporter already shows.
 */

import { listPathNames } from '../../plan/path-names.js';
import type { Finding } from '../result.js';
import type { CheckOutcome } from '../types.js';
import type { DatabaseFinding, DatabaseReview } from './result.js';

/** The outcome of a `database` check (without the `database` field itself). */
export function summarizeReview(review: DatabaseReview, failedPaths: string[] = []): CheckOutcome {
  const errors = review.findings.filter((f) => f.severity === 'error');
  const statements = review.steps.reduce((n, s) => n + s.statements, 0);
  const seen = review.steps.length
    ? `${statements} statement${statements === 1 ? '' : 's'} in ${review.steps.length} steps, ${review.plans.length} shapes`
    : 'no statements reviewed';
  const found = review.findings.length
    ? `; ${review.findings.length} finding${review.findings.length === 1 ? '' : 's'}: ${describe(review.findings[0] as DatabaseFinding)}`
    : '; no findings';
  const changed = review.plan_changes
    ? `; ${review.plan_changes.length} plan(s) changed since the baseline`
    : '';
  const failed = failedPaths.length
    ? ` (critical paths that failed while captured: ${listPathNames(failedPaths)})`
    : '';
  return {
    status: errors.length > 0 ? 'fail' : 'pass',
    summary: `${seen}${found}${changed}${failed}`,
    findings: review.findings.map(toFinding),
  };
}

function describe(f: DatabaseFinding): string {
  return f.suggestion && f.kind === 'missing-index' ? `${f.message} (${f.suggestion})` : f.message;
}

function toFinding(f: DatabaseFinding): Finding {
  const parts = [f.message];
  if (f.statement) parts.push(`statement: ${f.statement}`);
  if (f.suggestion) parts.push(`suggestion: ${f.suggestion}`);
  return { rule: `database/${f.kind}`, kind: f.kind, severity: f.severity, message: parts.join('; ') };
}
