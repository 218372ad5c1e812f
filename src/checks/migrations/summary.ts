/**
 * From the migrations result to the check's outcome: the plan's waivers turn findings into
 * warnings (and say who accepted what), every finding is listed flat for the reporters, and
 * the summary names the blocking ones.
 */

import type { Redactor } from '../../secrets/redactor.js';
import type { Finding } from '../result.js';
import type { CheckOutcome } from '../types.js';
import type { MigrationFinding, MigrationsResult, MigrationWaiverResult } from './result.js';

/** Apply the waivers to the findings; returns the waivers that matched nothing. */
export function applyWaivers(result: MigrationsResult): MigrationWaiverResult[] {
  const used = new Set<MigrationWaiverResult>();
  for (const revision of result.revisions) {
    for (const finding of revision.findings) {
      const waiver = result.waivers.find(
        (w) => w.revision === finding.revision && (w.rule === undefined || w.rule === finding.rule),
      );
      if (!waiver) continue;
      used.add(waiver);
      finding.waiver = waiver;
      finding.severity = 'warning';
    }
  }
  return result.waivers.filter((w) => !used.has(w));
}

/** The outcome: fail on an unwaived error finding, else pass (warnings are listed). */
export function summarize(
  result: MigrationsResult,
  unused: MigrationWaiverResult[],
  redactor: Redactor,
): CheckOutcome {
  const all = result.revisions.flatMap((r) => r.findings.map((f) => ({ f, file: r.file })));
  const findings: Finding[] = all.map(({ f, file }) => flatFinding(f, file));
  for (const w of unused) {
    findings.push({
      rule: 'unused-waiver',
      severity: 'warning',
      kind: 'migration',
      message: `the waiver for revision ${w.revision}${w.rule ? ` (${w.rule})` : ''} matches no finding: remove it from the plan`,
    });
  }
  const safe = redactor.redactValue(findings);
  const errors = all.filter(({ f }) => f.severity === 'error').map(({ f }) => f);
  const waived = all.filter(({ f }) => f.waiver).length;
  const outcome = {
    summary: redactor.redact(summaryText(result, errors, waived, safe.length)),
    findings: safe,
    migrations: result,
  };
  return { status: errors.length > 0 ? 'fail' : 'pass', ...outcome };
}

function flatFinding(f: MigrationFinding, file: string): Finding {
  const waiver = f.waiver ? ` (waived${f.waiver.by ? ` by ${f.waiver.by}` : ''}: ${f.waiver.reason})` : '';
  return {
    rule: f.rule,
    severity: f.severity,
    kind: 'migration',
    message: `revision ${f.revision}: ${f.message}${waiver}`,
    file,
    ...(f.sql ? { excerpt: f.sql } : {}),
  };
}

function summaryText(
  result: MigrationsResult,
  errors: MigrationFinding[],
  waived: number,
  total: number,
): string {
  const since = result.baseline.ref ? `since ${result.baseline.ref}` : 'in all (no baseline)';
  const n = result.revisions.length;
  if (n === 0) {
    return `no new migrations ${since}${result.baseline.revision ? ` (Alembic head ${result.baseline.revision})` : ''}`;
  }
  const ids = result.revisions.map((r) => r.revision).join(', ');
  const parts = [`${n} new migration${n === 1 ? '' : 's'} ${since} (${ids})`];
  if (errors.length > 0) {
    const first = errors.slice(0, 3).map((f) => `${f.rule} in ${f.revision}`);
    parts.push(
      `${errors.length} blocking finding${errors.length === 1 ? '' : 's'}: ${first.join(', ')}${errors.length > 3 ? ', …' : ''}`,
    );
  }
  const warnings = total - errors.length;
  if (warnings > 0)
    parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}${waived > 0 ? ` (${waived} waived)` : ''}`);
  if (errors.length === 0 && warnings === 0) parts.push('no findings');
  if (result.rehearsal)
    parts.push(`downgrade rehearsal ${result.rehearsal.status === 'pass' ? 'passed' : 'failed'}`);
  return parts.join('; ');
}
