/**
 * The migrations block of the terminal summary: each new revision in one line, the waived
 * findings (a failing check already lists its findings above), and the downgrade rehearsal.
 */

import { formatDuration } from '../../render/format.js';
import type { Colors } from '../../render/terminal-style.js';
import type { KindView } from '../report.js';
import type { MigrationsResult } from './result.js';

/** Lines about the migrations of each check that has some; none when nothing is new. */
export function migrationsTerminal(view: KindView, c: Colors): string[] {
  const lines: string[] = [];
  for (const check of view.checks) {
    const m = check.migrations;
    if (!m || m.revisions.length === 0) continue;
    lines.push(
      '',
      c.bold(`migrations ${m.baseline.ref ? `since ${m.baseline.ref}` : '(no baseline: all revisions)'}`),
    );
    for (const r of m.revisions) {
      const errors = r.findings.filter((f) => f.severity === 'error').length;
      const counts = `${errors} blocking, ${r.findings.length - errors} warning${r.findings.length - errors === 1 ? '' : 's'}`;
      const down = r.has_downgrade ? 'downgrade: yes' : c.red('downgrade: none');
      lines.push(`  ${r.revision.padEnd(12)} ${r.message}  ${c.dim(`(${down}${c.dim(`; ${counts})`)}`)}`);
      for (const f of r.findings.filter((x) => x.waiver)) {
        const by = f.waiver?.by ? ` by ${f.waiver.by}` : '';
        lines.push(c.yellow(`    ⚠ ${f.rule} waived${by}: ${f.waiver?.reason ?? ''}`));
      }
    }
    lines.push(...rehearsalLine(m, c));
  }
  return lines;
}

function rehearsalLine(m: MigrationsResult, c: Colors): string[] {
  const r = m.rehearsal;
  if (!r) return [];
  const steps = r.steps.map(
    (s) =>
      `${s.name} ${s.status === 'pass' ? c.green('pass') : c.red(s.status)} ${c.dim(formatDuration(s.duration_ms))}`,
  );
  return [`  downgrade rehearsal (${r.database}, to ${r.target}): ${steps.join(' · ')}`];
}
