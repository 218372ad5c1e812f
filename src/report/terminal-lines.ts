/**
 * One-line terminal forms of a check and of a step, with a symbol and colour per status.
 */
import type pc from 'picocolors';
import type { StepResult } from '../checks/paths/result.js';
import type { CheckResult, CheckStatus } from '../checks/result.js';
import { formatDuration } from './format.js';

/** The colour functions in use (no-ops when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;

const SYMBOLS: Record<CheckStatus, string> = { pass: '✔', fail: '✘', error: '!', warn: '⚠', skip: '-' };

/** The symbol of a check or step status. */
export function statusSymbol(status: CheckStatus): string {
  return SYMBOLS[status];
}

/** Paint `text` in the colour of `status`. */
export function paint(status: CheckStatus, text: string, c: Colors): string {
  switch (status) {
    case 'pass':
      return c.green(text);
    case 'fail':
      return c.red(text);
    case 'error':
      return c.red(c.bold(text));
    case 'warn':
      return c.yellow(text);
    case 'skip':
      return c.dim(text);
  }
}

/** `✔ lint   pass   340 ms  no findings`; `idWidth` aligns the columns of a run. */
export function formatCheckLine(check: CheckResult, idWidth: number, c: Colors): string {
  const head = `${statusSymbol(check.status)} ${check.id.padEnd(idWidth)}  ${check.status.padEnd(5)}`;
  return `${paint(check.status, head, c)}  ${formatDuration(check.duration_ms).padEnd(7)}  ${check.summary}`;
}

/** `  ✔ checkout › login  pass  120 ms`, with the attempts of a flaky step. */
export function formatStepLine(path: string, step: StepResult, c: Colors): string {
  const head = `${statusSymbol(step.status)} ${path} › ${step.name}  ${step.status}`;
  const flaky = step.flaky ? `  ${c.yellow(`flaky: ${step.attempts} attempts`)}` : '';
  return `  ${paint(step.status, head, c)}  ${c.dim(formatDuration(step.duration_ms))}${flaky}`;
}
