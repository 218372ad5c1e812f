/**
 * Judging one response of a step: its `expect`, its named assertions, its captures (taken
 * whatever the assertions said, so that a clean-up step or `on_failure: continue` still has
 * them), then the test part of its kept script (which sees those captures).
 */
import type { AssertionFailure, AssertionOutcome } from '../checks/paths/result.js';
import type { NamedAssertion, Step, StepExpect } from '../plan/schema.js';
import { evaluateExpect } from './assert.js';
import type { Judgement } from './attempt.js';
import { captureValues } from './capture.js';
import { evaluateNamedAssertions } from './named-assertions.js';
import type { ReceivedResponse } from './response.js';
import type { StepContext } from './run-step.js';
import type { PreparedRequest } from './send.js';
import { runTestScript, scriptParts } from './step-script.js';

/** The rendered parts of a step that judge its response. */
export interface JudgeInput {
  step: Step;
  expect: StepExpect | undefined;
  assertions: NamedAssertion[] | undefined;
  request: PreparedRequest;
}

/** The step's own judgement of a response. */
export async function judgeResponse(
  input: JudgeInput,
  response: ReceivedResponse,
  ctx: StepContext,
): Promise<Judgement> {
  const { step, expect } = input;
  const variables = ctx.scope.vars;
  const failures = evaluateExpect(expect, response, { variables, implicitStatus: !namesStatus(step) });
  if (expect?.schema === 'openapi') failures.push(...(await openApiFailures(expect, step, response, ctx)));
  const outcomes: AssertionOutcome[] = [];
  if (input.assertions) {
    const named = evaluateNamedAssertions(input.assertions, response, variables);
    outcomes.push(...named.outcomes);
    failures.push(...named.failures);
  }
  const captured = await takeCaptures(step, response, ctx);
  failures.push(...captured.failures);
  const code = scriptParts(step.script).test;
  if (code && ctx.scripts) {
    const merged = new Map([...variables, ...captured.values]);
    const script = await runTestScript(ctx.scripts(), code, input.request, response, merged);
    outcomes.push(...script.outcomes);
    failures.push(...script.failures);
    for (const [name, value] of script.changes) {
      // Hidden from now on, as a capture under that name is: this response's excerpt comes later.
      ctx.scope.redactor.addNamed(name, value);
      captured.values.set(name, value);
    }
  }
  const judgement: Judgement = { failures, captured: captured.values };
  if (input.assertions || code) judgement.assertions = outcomes;
  return judgement;
}

/**
 * Whether the step names a status somewhere other than its expect: a named assertion or a
 * condition (`when: { status: 403 }`) does, and so does a kept script that reads the code.
 * Such a step is not held to the implicit 2xx/3xx.
 */
export function namesStatus(step: Step): boolean {
  const conditions = (c: StepExpect | StepExpect[] | undefined): StepExpect[] =>
    c === undefined ? [] : Array.isArray(c) ? c : [c];
  const named = (step.assertions ?? []).some(
    (a) =>
      a.status !== undefined ||
      [...conditions(a.when), ...conditions(a.unless)].some((c) => c.status !== undefined),
  );
  const captured = Object.values(step.capture ?? {}).some(
    (c) =>
      typeof c === 'object' &&
      [...conditions(c.when), ...conditions(c.unless)].some((x) => x.status !== undefined),
  );
  const parts = scriptParts(step.script);
  const scripted =
    /\.code\b|\bstatus\s*\(|responseCode|\.to\.(?:not\.)?be\.\w+|\.to\.(?:not\.)?have\.status/.test(
      parts.test ?? '',
    );
  return named || captured || scripted;
}

/** The failures of `schema: openapi` (none when the expectation does not ask for it). */
export async function openApiFailures(
  expect: StepExpect | undefined,
  step: Step,
  response: ReceivedResponse,
  ctx: StepContext,
): Promise<AssertionFailure[]> {
  if (expect?.schema !== 'openapi') return [];
  if (ctx.openapi) return ctx.openapi.check(step.request.method, response);
  const message = "schema: openapi needs the service's OpenAPI document, and none was given to this run";
  return [{ assertion: 'openapi', expected: 'an OpenAPI document', actual: undefined, message }];
}

/** The captures whose conditions allow them, taken from the response. */
async function takeCaptures(step: Step, response: ReceivedResponse, ctx: StepContext) {
  if (!step.capture) return { values: new Map<string, unknown>(), failures: [] };
  const { scope, cookies } = ctx;
  return captureValues(step.capture, { response, cookies, url: response.url, scope });
}
