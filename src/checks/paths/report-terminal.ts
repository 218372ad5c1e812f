/**
 * The `paths` check's lines of the terminal summary: a block per failed critical path with its
 * failed steps (request, assertions, error, traceback, response), and the flaky steps as warnings.
 */
import { excerpt, formatDuration, formatFailure, plural } from '../../render/format.js';
import { type Colors, paint, quoteLines, statusSymbol } from '../../render/terminal-style.js';
import type { KindView } from '../report.js';
import type { PathResult, StepResult, StepTraceback } from './result.js';

/** A block per failed critical path, each after an empty line. */
export function failedPathLines(view: KindView, c: Colors): string[] {
  return view.run.paths.flatMap((path) =>
    path.status === 'fail' || path.status === 'error' ? ['', ...pathBlock(path, c)] : [],
  );
}

/** A warning per flaky step, the block after an empty line. */
export function flakyLines(view: KindView, c: Colors): string[] {
  return flakyWarnings(view.run.paths, c);
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
    lines.push(...quoteLines(body.text, c), ...(body.cut ? [c.dim('      │ …')] : []));
  }
  return lines;
}

/** `in service.log:12: RuntimeError: boom` — where the step's traceback is and what it raised. */
export function tracebackLink(t: StepTraceback): string {
  const file = t.source === 'service' ? 'service.log' : t.source;
  return `in ${file}${t.line !== undefined ? `:${t.line}` : ''}: ${t.exception}`;
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
