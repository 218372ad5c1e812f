/**
 * Before a step's request is rendered: its `set` variables (templated, in order), then the
 * pre-request part of its kept script, whose changes the request sees. A value set under a
 * secret-looking name is registered for redaction, as a capture's is.
 */
import type { AssertionFailure, AssertionOutcome } from '../checks/paths/result.js';
import type { RunError } from '../checks/result.js';
import type { Step } from '../plan/schema.js';
import { renderString } from '../plan/template.js';
import { toRunError } from './prepare.js';
import type { StepContext } from './run-step.js';
import { runPrerequestScript, scriptParts } from './step-script.js';

/** What happened before the request: the pre-request script's tests and failures. */
export interface BeforeRequest {
  ok: true;
  outcomes: AssertionOutcome[];
  failures: AssertionFailure[];
}

/** Apply `set` and run the pre-request script; a template problem errors the step. */
export async function prepareVariables(
  step: Step,
  ctx: StepContext,
): Promise<BeforeRequest | { ok: false; error: RunError }> {
  const { vars, redactor } = ctx.scope;
  try {
    for (const [name, value] of Object.entries(step.set ?? {})) {
      const rendered = typeof value === 'string' ? renderString(value, ctx.scope) : value;
      redactor.addNamed(name, rendered);
      vars.set(name, rendered);
    }
  } catch (error) {
    return { ok: false, error: toRunError(error, 'STEP_INVALID') };
  }
  const code = scriptParts(step.script).prerequest;
  if (!code || !ctx.scripts) return { ok: true, outcomes: [], failures: [] };
  const request = { method: step.request.method, url: step.request.url, headers: step.request.headers ?? {} };
  const script = await runPrerequestScript(ctx.scripts(), code, request, vars);
  for (const [name, value] of script.changes) {
    redactor.addNamed(name, value);
    if (value === undefined) vars.delete(name);
    else vars.set(name, value);
  }
  return { ok: true, outcomes: script.outcomes, failures: script.failures };
}
