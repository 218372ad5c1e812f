/**
 * One-line terminal forms of a check and of a step, with a symbol and colour per status.
 */
import type { StepResult } from '../checks/paths/result.js';
import type { CheckResult } from '../checks/result.js';
import { formatDuration } from '../render/format.js';
import { type Colors, paint, statusSymbol } from '../render/terminal-style.js';

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
