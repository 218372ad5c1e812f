/**
 * The end-of-run terminal summary: a block per failed critical path, a block per failed
 * check, flaky steps as warnings, then the verdict. Drawn from the result; decides nothing.
 */
import type { PathResult, StepResult, StepTraceback } from '../checks/paths/result.js';
import type { KindReports } from '../checks/report.js';
import { kindViews } from '../checks/report.js';
import type { CheckResult } from '../checks/result.js';
import {
  excerpt,
  findingLocation,
  formatDuration,
  formatExit,
  formatFailure,
  plural,
  tail,
} from '../render/format.js';
import { type Colors, paint, statusSymbol } from '../render/terminal-style.js';
import type { RunResult } from '../run/result.js';
import { listSkips, verdictLabel } from '../run/verdict.js';

/** Options of `renderSummary`. */
export interface SummaryOptions {
  colors: Colors;
  /** Show the output tail of every failed command, not only of errored ones. */
  verbose: boolean;
  /** The sections of the result's kinds (`loadKindReports`). */
  kinds: KindReports;
}

const MAX_FINDINGS = 20;
const TAIL_LINES = 20;
/** A finding's excerpt: a traceback's head and tail (25 lines), a command's last 30 lines. */
const EXCERPT_LINES = 30;
const RULE_WIDTH = 60;

/** The summary lines printed at the end of a run (without trailing newlines). */
export function renderSummary(result: RunResult, options: SummaryOptions): string[] {
  const lines: string[] = [];
  for (const path of result.paths) {
    if (path.status === 'fail' || path.status === 'error') lines.push('', ...pathBlock(path, options.colors));
  }
  for (const check of result.checks) {
    if (check.status === 'fail' || check.status === 'error') lines.push(...checkBlock(check, options));
  }
  for (const { report, view } of kindViews(options.kinds, result))
    lines.push(...(report.terminal?.(view, options.colors) ?? []));
  lines.push(...flakyWarnings(result.paths, options.colors));
  if (result.service.ready_note)
    lines.push(`${options.colors.yellow('!')} readiness: ${result.service.ready_note}`);
  for (const note of result.cleanup ?? []) lines.push(`${options.colors.yellow('!')} cleaned up: ${note}`);
  lines.push('', ...verdictBlock(result, options.colors));
  return lines;
}

function pathBlock(path: PathResult, c: Colors): string[] {
  const lines = [
    `${paint(path.status, `${statusSymbol(path.status)} critical path ${path.name}  ${path.status}`, c)}  ${c.dim(formatDuration(path.duration_ms))}`,
    `  owner     ${path.owner}`,
    `  expect    ${path.expect}`,
    `  rollback  ${path.rollback}`,
  ];
  for (const step of path.steps) {
    if (step.status === 'fail' || step.status === 'error') lines.push(...stepBlock(step, c));
  }
  return lines;
}

function stepBlock(step: StepResult, c: Colors): string[] {
  const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
  const lines = [
    `  ${paint(step.status, `step ${step.name}  ${step.status}`, c)}  ${c.dim(`${formatDuration(step.duration_ms)}${attempts}`)}`,
  ];
  if (step.source) lines.push(c.dim(`    --> ${step.source.file}:${step.source.line}:${step.source.column}`));
  if (step.request) lines.push(`    ${c.bold(step.request.method)} ${step.request.url}`);
  for (const failure of step.failures ?? [])
    lines.push(`    ${c.red('✘')} ${formatFailure(failure, { expected: c.green, actual: c.red })}`);
  if (step.error) lines.push(`    ${c.red(`error[${step.error.code}]`)}: ${step.error.message}`);
  if (step.traceback) lines.push(`    ${c.red('traceback')} ${tracebackLink(step.traceback)}`);
  if (step.response) {
    const body = excerpt(step.response.body);
    const size = `${step.response.size} bytes${step.response.truncated ? ', truncated' : ''}`;
    lines.push(`    response ${step.response.status} (${size})`);
    lines.push(...quote(body.text, c), ...(body.cut ? [c.dim('      │ …')] : []));
  }
  return lines;
}

/** `in service.log:12: RuntimeError: boom` — where the step's traceback is and what it raised. */
export function tracebackLink(t: StepTraceback): string {
  const file = t.source === 'service' ? 'service.log' : t.source;
  return `in ${file}${t.line !== undefined ? `:${t.line}` : ''}: ${t.exception}`;
}

function checkBlock(check: CheckResult, options: SummaryOptions): string[] {
  const c = options.colors;
  const body: string[] = [];
  if (check.command) {
    const cmd = check.command;
    body.push(
      `  $ ${cmd.command}  ${c.dim(`(exit ${formatExit(cmd)}, ${formatDuration(cmd.duration_ms)})`)}`,
    );
  }
  const findings = check.findings ?? [];
  for (const finding of findings.slice(0, MAX_FINDINGS)) {
    const location = findingLocation(finding);
    // A test's message may span lines (pytest's `assert … where …`): the rest goes under it.
    const [headline, ...more] = finding.message.split('\n');
    body.push(`  ${location ? `${location} ` : ''}${c.bold(finding.rule)} ${headline}`);
    for (const line of more.slice(0, TAIL_LINES)) body.push(c.dim(`    ${line}`));
    if (finding.excerpt) body.push(...quote(tail(finding.excerpt, EXCERPT_LINES).text, c, 4));
  }
  if (findings.length > MAX_FINDINGS) body.push(c.dim(`  … and ${findings.length - MAX_FINDINGS} more`));
  if (check.tests) {
    const t = check.tests;
    body.push(
      `  tests: ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped, ${t.passed} passed of ${t.total}`,
    );
  }
  if (check.error) {
    const [first, ...rest] = check.error.message.split('\n');
    body.push(`  ${c.red(`error[${check.error.code}]`)}: ${first}`);
    for (const line of rest.slice(-TAIL_LINES)) body.push(c.dim(`    │ ${line}`));
  }
  const explained = findings.length > 0 || check.tests !== undefined;
  // An `exit-code` finding's excerpt is the output's tail already.
  const tailShown = findings.some((f) => f.rule === 'exit-code');
  const wanted = check.status === 'error' || !explained || options.verbose;
  // A tool that could not start says why in its output; when the error quotes it, once is enough.
  const output = check.command?.output_tail?.trim();
  const quoted = output !== undefined && output !== '' && check.error?.message.includes(output) === true;
  if (check.command?.output_tail && wanted && !tailShown && !quoted) {
    const out = tail(check.command.output_tail, TAIL_LINES);
    body.push(`  output${out.cut ? ` (last ${TAIL_LINES} lines)` : ''}:`, ...quote(out.text, c, 4));
  }
  // A check with nothing more to say was already shown by its one-line form.
  if (body.length === 0) return [];
  const head = `${statusSymbol(check.status)} check ${check.id}  ${check.status}`;
  // An errored check's summary is its error, which the body says in full: not twice.
  const said = check.error?.message.startsWith(check.summary) === true;
  return [
    '',
    said ? paint(check.status, head, c) : `${paint(check.status, head, c)}  ${check.summary}`,
    ...body,
  ];
}

function flakyWarnings(paths: PathResult[], c: Colors): string[] {
  const lines: string[] = [];
  for (const path of paths) {
    for (const step of path.steps) {
      if (!step.flaky) continue;
      const outcome = step.status === 'pass' ? 'passed' : step.status;
      lines.push(
        c.yellow(`⚠ flaky: ${path.name} › ${step.name} ${outcome} after ${plural(step.attempts, 'attempt')}`),
      );
    }
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

function verdictBlock(result: RunResult, c: Colors): string[] {
  const label = verdictLabel(result);
  const word = ` ${label} `;
  const badge =
    label === 'GO'
      ? c.bgGreen(c.black(c.bold(word)))
      : label === 'NO-GO'
        ? c.bgRed(c.white(c.bold(word)))
        : c.bgYellow(c.black(c.bold(word)));
  const version = result.service.version ? ` ${result.service.version}` : '';
  const rule = c.dim('═'.repeat(RULE_WIDTH));
  const lines = [rule, `${badge} ${c.bold(`${result.service.name}${version}`)}: ${result.reason}`];
  for (const skip of listSkips(result.checks)) {
    const why = skip.allowed ? 'the plan allows this skip' : c.red('not allowed by the plan');
    lines.push(`  skipped ${skip.id}: ${skip.reason} ${c.dim('(')}${why}${c.dim(')')}`);
  }
  lines.push(rule);
  if (result.record_file) lines.push(`launch record: ${result.record_file}`);
  if (result.service_log) lines.push(c.dim(`service log:   ${result.service_log}`));
  return lines;
}

function quote(text: string, c: Colors, indent = 6): string[] {
  const bar = c.dim(`${' '.repeat(indent)}│`);
  if (text === '') return [`${bar} ${c.dim('(empty)')}`];
  return text.split('\n').map((line) => `${bar} ${line}`);
}
