/**
 * The sections of the launch record about what ran: critical paths, failed steps, checks,
 * commands, findings and step timings. Each returns Markdown blocks drawn from the result.
 */
import type { PathResult, StepResult } from '../checks/paths/result.js';
import type { CheckResult } from '../checks/result.js';
import {
  excerpt,
  findingLocation,
  formatDuration,
  formatExit,
  formatValue,
  plural,
  tail,
} from '../render/format.js';
import { mdCode, mdFence, mdTable, mdText } from '../render/markdown.js';
import type { RunResult } from '../run/result.js';
import { listSkips } from '../run/verdict.js';

const MAX_FINDINGS = 50;
const TAIL_LINES = 20;

/** "Critical paths": name | owner | status | expect | rollback. */
export function pathsSection(result: RunResult): string[] {
  if (result.paths.length === 0) return ['## Critical paths', 'No critical path ran.'];
  const rows = result.paths.map((path) => [
    mdText(path.name),
    mdText(path.owner),
    statusCell(path.status, path.flaky),
    mdText(path.expect),
    mdText(path.rollback),
  ]);
  return ['## Critical paths', mdTable(['name', 'owner', 'status', 'expect', 'rollback'], rows)];
}

/** A section per failed critical path: its failed steps, requests, assertions and responses. */
export function failedPathSections(result: RunResult): string[] {
  const blocks: string[] = [];
  for (const path of result.paths) {
    if (path.status !== 'fail' && path.status !== 'error') continue;
    blocks.push(
      `### Critical path ${mdCode(path.name)}: ${path.status}`,
      [
        `- **Owner:** ${mdText(path.owner)}`,
        `- **Expect:** ${mdText(path.expect)}`,
        `- **Rollback:** ${mdText(path.rollback)}`,
      ].join('\n'),
    );
    for (const step of path.steps) {
      if (step.status === 'fail' || step.status === 'error') blocks.push(...failedStep(step));
    }
  }
  return blocks;
}

function failedStep(step: StepResult): string[] {
  const blocks = [`#### Step ${mdCode(step.name)}: ${step.status} after ${formatDuration(step.duration_ms)}`];
  const facts: string[] = [];
  if (step.request) facts.push(`- **Request:** ${mdCode(`${step.request.method} ${step.request.url}`)}`);
  if (step.attempts > 1) facts.push(`- **Attempts:** ${step.attempts}`);
  if (step.source)
    facts.push(
      `- **Defined at:** ${mdCode(`${step.source.file}:${step.source.line}:${step.source.column}`)}`,
    );
  if (step.error) facts.push(`- **Error:** ${mdCode(step.error.code)} ${mdText(step.error.message)}`);
  if (step.traceback) {
    const t = step.traceback;
    const file = t.source === 'service' ? 'service.log' : t.source;
    const how = t.by === 'request-id' ? 'by its request id' : 'by the time of the request';
    facts.push(
      `- **Traceback:** ${mdCode(`${file}${t.line !== undefined ? `:${t.line}` : ''}`)} ${mdText(t.exception)} (linked ${how})`,
    );
  }
  if (facts.length > 0) blocks.push(facts.join('\n'));
  const failures = step.failures ?? [];
  if (failures.length > 0) {
    const rows = failures.map((f) => [
      mdText(f.assertion),
      mdCode(formatValue(f.expected)),
      mdCode(formatValue(f.actual)),
      mdText(f.message),
    ]);
    blocks.push(mdTable(['assertion', 'expected', 'actual', 'message'], rows));
  }
  if (step.response) {
    const body = excerpt(step.response.body);
    const cut = body.cut || step.response.truncated ? ', first lines' : '';
    blocks.push(`Response ${step.response.status} (${step.response.size} bytes${cut}):`, mdFence(body.text));
  }
  return blocks;
}

/** "Checks": check | kind | status | blocking | duration | summary (with the error or skip reason). */
export function checksSection(result: RunResult): string[] {
  const rows = result.checks.map((check) => [
    mdText(check.id),
    mdText(check.kind),
    statusCell(check.status, false),
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

/** "Step timings": a table per critical path (step, status, ms, attempts, flaky). */
export function timingsSection(result: RunResult): string[] {
  if (result.paths.length === 0) return [];
  const blocks = ['## Step timings'];
  for (const path of result.paths) blocks.push(`### ${mdText(path.name)}`, stepTable(path));
  return blocks;
}

function stepTable(path: PathResult): string {
  const rows = path.steps.map((step) => [
    mdText(step.name),
    step.status,
    String(Math.round(step.duration_ms)),
    String(step.attempts),
    step.flaky ? 'flaky' : '',
  ]);
  return mdTable(['step', 'status', 'ms', 'attempts', 'flaky'], rows);
}

function statusCell(status: string, flaky: boolean): string {
  const text = status === 'pass' ? 'pass' : `**${status}**`;
  return flaky ? `${text} (flaky)` : text;
}
