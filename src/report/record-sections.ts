/**
 * The sections of the launch record about what ran: checks, commands and findings (the
 * critical paths' sections are the `paths` kind's, src/checks/paths/report-record.ts). Each
 * returns Markdown blocks drawn from the result.
 */
import type { CheckResult } from '../checks/result.js';
import { findingLocation, formatDuration, formatExit, plural, tail } from '../render/format.js';
import { mdCode, mdFence, mdStatus, mdTable, mdText } from '../render/markdown.js';
import type { RunResult } from '../run/result.js';
import { listSkips } from '../run/verdict.js';

const MAX_FINDINGS = 50;
const TAIL_LINES = 20;

/** "Checks": check | kind | status | blocking | duration | summary (with the error or skip reason). */
export function checksSection(result: RunResult): string[] {
  const rows = result.checks.map((check) => [
    mdText(check.id),
    mdText(check.kind),
    mdStatus(check.status, false),
    check.blocking ? 'blocking' : 'advisory',
    formatDuration(check.duration_ms),
    summaryCell(check),
  ]);
  if (rows.length === 0) return ['## Checks', 'No check ran.'];
  return [
    '## Checks',
    mdTable(['check', 'kind', 'status', 'blocking', 'duration', 'summary'], rows),
    ...skipsBlock(result),
    ...coverageBlock(result),
  ];
}

/** Every skipped check, with its reason and whether the plan allows the skip. */
function skipsBlock(result: RunResult): string[] {
  const skips = listSkips(result.checks);
  if (skips.length === 0) return [];
  const items = skips.map(
    (s) =>
      `- ${mdCode(s.id)}: ${mdText(s.reason)} (${s.allowed ? 'the plan allows this skip' : '**not allowed by the plan**: NO-GO'})`,
  );
  return [`**Skipped checks:**\n${items.join('\n')}`];
}

/** What each check that reviews something covered, against what the plan asked. */
function coverageBlock(result: RunResult): string[] {
  const rows = result.checks.flatMap((check) =>
    (check.coverage ?? []).map((item) => [
      mdText(check.id),
      mdText(item.what),
      `${item.covered} of ${item.asked}`,
      item.covered >= item.asked ? 'complete' : `**short**${item.detail ? `: ${mdText(item.detail)}` : ''}`,
    ]),
  );
  if (rows.length === 0) return [];
  return [
    '**Coverage** (what each check examined, against what the plan asked):',
    mdTable(['check', 'what', 'covered', ''], rows),
  ];
}

/** The summary (left out when it is the error's message, shown once with its code), the error, the skip reason. */
function summaryCell(check: CheckResult): string {
  const repeated = check.error !== undefined && check.error.message.trim() === check.summary.trim();
  const lines = repeated ? [] : [mdText(check.summary)];
  if (check.error) lines.push(`${mdCode(check.error.code)} ${mdText(check.error.message)}`);
  if (check.skip_reason)
    lines.push(
      `reason: ${mdText(check.skip_reason)}${check.skip_allowed || !check.blocking ? ' (allowed by the plan)' : ' (not allowed by the plan)'}`,
    );
  return lines.join('\n');
}

/** "Commands": every command a check ran, with its exit code and duration, and the output of failures. */
export function commandsSection(result: RunResult): string[] {
  const rows: string[][] = [];
  const outputs: string[] = [];
  for (const check of result.checks) {
    const cmd = check.command;
    if (!cmd) continue;
    rows.push([
      mdText(check.id),
      mdCode(cmd.command),
      mdCode(cmd.cwd),
      formatExit(cmd),
      formatDuration(cmd.duration_ms),
    ]);
    const explained = (check.findings ?? []).length > 0 || check.tests !== undefined;
    const failed = check.status === 'error' || (check.status === 'fail' && !explained);
    // An `exit-code` finding's excerpt (under Findings) is the output's tail already.
    const tailShown = (check.findings ?? []).some((f) => f.rule === 'exit-code');
    if (failed && cmd.output_tail && !tailShown) {
      const out = tail(cmd.output_tail, TAIL_LINES);
      outputs.push(
        `Output of ${mdCode(check.id)}${out.cut ? ` (last ${TAIL_LINES} lines)` : ''}:`,
        mdFence(out.text),
      );
    }
  }
  if (rows.length === 0) return ['## Commands', 'No check ran a command.'];
  return ['## Commands', mdTable(['check', 'command', 'cwd', 'exit code', 'duration'], rows), ...outputs];
}

/** "Findings": per check, `file:line rule message`, at most 50 each. */
export function findingsSection(result: RunResult): string[] {
  const blocks: string[] = [];
  for (const check of result.checks) {
    const findings = check.findings ?? [];
    if (findings.length === 0) continue;
    blocks.push(`### ${mdText(check.id)} (${plural(findings.length, 'finding')})`);
    if (check.tests) blocks.push(testsLine(check));
    const items = findings.slice(0, MAX_FINDINGS).map((finding) => {
      const location = findingLocation(finding, false);
      return `- ${location ? `${mdCode(location)} ` : ''}${mdCode(finding.rule)} ${mdText(finding.message)}`;
    });
    if (findings.length > MAX_FINDINGS)
      items.push(`- … and ${findings.length - MAX_FINDINGS} more (${findings.length} in all)`);
    blocks.push(items.join('\n'));
    for (const finding of findings.slice(0, MAX_FINDINGS)) {
      if (!finding.excerpt) continue;
      const location = findingLocation(finding, false);
      blocks.push(
        `Excerpt of ${mdCode(location || finding.rule)} (${mdText(finding.rule)}):`,
        mdFence(finding.excerpt),
      );
    }
  }
  return blocks.length > 0 ? ['## Findings', ...blocks] : [];
}

function testsLine(check: CheckResult): string {
  const t = check.tests;
  if (!t) return '';
  return `Tests: ${t.total} in all, ${t.passed} passed, ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped.`;
}
