/**
 * The "Staging rehearsal" section of the launch record: each phase with its command, exit
 * code, duration and time to healthy; the release staging was on before and is on now.
 */

import { formatDuration, formatExit, tail } from '../../render/format.js';
import { mdCode, mdFence, mdTable, mdText } from '../../render/markdown.js';
import type { KindView } from '../report.js';
import type { CheckResult } from '../result.js';
import type { PhaseResult } from './result.js';

const TAIL_LINES = 15;

/** "Staging rehearsal": one block per check that has phases. */
export function rehearsalRecord(view: KindView): string[] {
  const checks = view.checks.filter((c) => c.phases && c.phases.length > 0);
  if (checks.length === 0) return [];
  return ['## Staging rehearsal', ...checks.flatMap(rehearsalBlocks)];
}

function rehearsalBlocks(check: CheckResult): string[] {
  const staging = check.staging;
  const blocks: string[] = [];
  if (staging) {
    const items = [
      `- **Staging:** ${mdCode(staging.url)}; candidate ${mdCode(staging.candidate)}`,
      `- **Release before:** ${staging.release_before ? mdCode(staging.release_before) : 'none'}${staging.baseline ? ` (the baseline was deployed first: ${mdText(staging.baseline.summary)})` : ''}`,
      `- **Release now:** ${staging.release_after ? mdCode(staging.release_after) : 'unknown'}${staging.restored ? ' (restored after a failed phase)' : ''}`,
    ];
    if (staging.restore)
      items.push(`- **Restore:** ${mdCode(staging.restore.command)} (exit ${formatExit(staging.restore)})`);
    if (staging.stop)
      items.push(`- **Stop:** ${mdCode(staging.stop.command)} (exit ${formatExit(staging.stop)})`);
    blocks.push(items.join('\n'));
  }
  const phases = [...(staging?.baseline ? [staging.baseline] : []), ...(check.phases ?? [])];
  blocks.push(
    mdTable(
      ['phase', 'status', 'command', 'exit code', 'duration', 'time to healthy', 'release', 'summary'],
      phases.map(phaseRow),
    ),
  );
  for (const phase of phases) {
    const output = phase.command?.output_tail;
    if (phase.status === 'pass' || !output) continue;
    const out = tail(output, TAIL_LINES);
    blocks.push(
      `Output of ${mdCode(phase.command?.command ?? phase.name)}${out.cut ? ` (last ${TAIL_LINES} lines)` : ''}:`,
      mdFence(out.text),
    );
  }
  return blocks;
}

function phaseRow(phase: PhaseResult): string[] {
  const status = phase.status === 'pass' ? 'pass' : `**${phase.status}**`;
  return [
    mdText(phase.name),
    status,
    phase.command ? mdCode(phase.command.command) : '',
    phase.command ? formatExit(phase.command) : '',
    formatDuration(phase.duration_ms),
    phase.time_to_healthy_ms !== undefined ? formatDuration(phase.time_to_healthy_ms) : '',
    phase.release ? mdCode(phase.release) : '',
    mdText(phase.summary),
  ];
}
