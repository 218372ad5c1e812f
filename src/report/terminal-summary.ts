/**
 * The end-of-run terminal summary: the kinds' leading lines (a block per failed critical path),
 * a block per failed check, the kinds' own lines and closing ones (flaky steps as warnings),
 * then the verdict. Drawn from the result; decides nothing.
 */
import type { KindPlace, KindReports } from '../checks/report.js';
import { kindViews, sectionsAt } from '../checks/report.js';
import type { CheckResult } from '../checks/result.js';
import { findingLocation, formatDuration, formatExit, tail } from '../render/format.js';
import { type Colors, paint, quoteLines, statusSymbol } from '../render/terminal-style.js';
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
  const lines = kindLines(result, options, 'lead');
  for (const check of result.checks) {
    if (check.status === 'fail' || check.status === 'error') lines.push(...checkBlock(check, options));
  }
  lines.push(...kindLines(result, options, 'main'), ...kindLines(result, options, 'tail'));
  if (result.service.ready_note)
    lines.push(`${options.colors.yellow('!')} readiness: ${result.service.ready_note}`);
  for (const note of result.cleanup ?? []) lines.push(`${options.colors.yellow('!')} cleaned up: ${note}`);
  lines.push('', ...verdictBlock(result, options.colors));
  return lines;
}

/** The kinds' lines for `place`, in the kinds' order. */
function kindLines(result: RunResult, options: SummaryOptions, place: KindPlace): string[] {
  return kindViews(options.kinds, result).flatMap(
    ({ report, view }) => sectionsAt(report, place).terminal?.(view, options.colors) ?? [],
  );
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
    if (finding.excerpt) body.push(...quoteLines(tail(finding.excerpt, EXCERPT_LINES).text, c, 4));
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
    body.push(`  output${out.cut ? ` (last ${TAIL_LINES} lines)` : ''}:`, ...quoteLines(out.text, c, 4));
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
