/**
 * The staging rehearsal in the terminal summary: one line per phase (status, duration,
 * time to healthy, release, command and exit code), then where staging is now.
 */

import { formatDuration, formatExit } from '../../render/format.js';
import { type Colors, paint, statusSymbol } from '../../render/terminal-style.js';
import type { KindView } from '../report.js';
import type { PhaseResult } from './result.js';

/** The phase lines of every check that has phases (a rehearsal), pass or fail. */
export function rehearsalTerminal(view: KindView, c: Colors): string[] {
  const lines: string[] = [];
  for (const check of view.checks) {
    if (!check.phases || check.phases.length === 0) continue;
    lines.push('', c.bold(`staging rehearsal (${check.id})`));
    const baseline = check.staging?.baseline;
    const all = [...(baseline ? [baseline] : []), ...check.phases];
    all.forEach((phase, i) => {
      lines.push(phaseLine(phase, baseline ? i : i + 1, c));
    });
    const staging = check.staging;
    if (staging) {
      const now = staging.release_after ?? 'unknown';
      const note = staging.restored ? ' (restored after a failed phase)' : '';
      lines.push(
        c.dim(
          `  staging ${staging.url}: release before ${staging.release_before ?? 'none'}, now ${now}${note}`,
        ),
      );
    }
  }
  return lines;
}

function phaseLine(phase: PhaseResult, n: number, c: Colors): string {
  const name = phase.name.padEnd(9);
  const head = paint(
    phase.status,
    `${statusSymbol(phase.status)} ${n}. ${name} ${phase.status.padEnd(4)}`,
    c,
  );
  const facts = [formatDuration(phase.duration_ms)];
  if (phase.time_to_healthy_ms !== undefined)
    facts.push(`healthy after ${formatDuration(phase.time_to_healthy_ms)}`);
  if (phase.release) facts.push(`release ${phase.release}`);
  const command = phase.command ? `  $ ${phase.command.command} (exit ${formatExit(phase.command)})` : '';
  const summary = phase.status === 'pass' ? '' : `\n      ${phase.summary}`;
  return `  ${head}  ${c.dim(facts.join(', '))}${c.dim(command)}${summary}`;
}
