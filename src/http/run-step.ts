/**
 * One step of a critical path: render it, send it (with retries or polling), judge
 * the final response, take its captures, and write a redacted StepResult.
 */
import type { Dispatcher } from 'undici';
import type { AssertionFailure, AssertionOutcome, StepResult } from '../checks/paths/result.js';
import type { RunError } from '../checks/result.js';
import type { OpenApiValidator } from '../openapi/validator.js';
import { toMs } from '../plan/duration.js';
import type { Duration, NamedAssertion, Step, StepExpect } from '../plan/schema.js';
import type { SourceRef } from '../plan/source-ref.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';
import { evaluateExpect } from './assert.js';
import { type AttemptContext, type AttemptOutcome, type Judgement, runAttempt } from './attempt.js';
import type { PathCookies } from './cookies.js';
import type { SequentialDeadline } from './deadline.js';
import { requestExcerpt, responseExcerpt } from './excerpt.js';
import { hasHeader, prepareRequest, toRunError } from './prepare.js';
import { redactFreshStepResult, redactStepResult } from './redact-deep.js';
import type { ReceivedResponse } from './response.js';
import { type RetryOutcome, withRetry } from './retry.js';
import type { ScriptHost } from './script-host.js';
import type { PreparedRequest } from './send.js';
import { type BeforeRequest, prepareVariables } from './step-before.js';
import { judgeResponse, openApiFailures } from './step-judge.js';
import { elapsedMs } from './timing.js';

/** What a step needs from its path run. */
export interface StepContext {
  baseUrl: string;
  /** The path run's scope: its `vars` hold path variables and earlier captures. */
  scope: TemplateScope;
  cookies: PathCookies;
  dispatcher: Dispatcher;
  /** Per-attempt timeout when the step sets none. */
  defaultTimeout: Duration;
  bodyLimit: number;
  signal: AbortSignal;
  /** The path run's request deadline, shared by its steps. */
  deadline?: SequentialDeadline;
  /** Called once this step's request is on its way: the path run finishes the previous step's result then. */
  afterSend?: () => void;
  source?: SourceRef;
  /** Checks `expect: { schema: openapi }`; without it such a step fails and says why. */
  openapi?: OpenApiValidator;
  /** The path run's script host (started on first use), for steps with a `script`. */
  scripts?: () => ScriptHost;
  /** Headers added to the request unless the step sets them itself (the auth token). */
  headers?: Record<string, string>;
  /** How the service preflight started ended, once it has (retries stop: none could pass). */
  serviceGone?: () => string | null;
}

/** The step's result and the values it captured (empty unless it passed). */
export interface StepOutcome {
  result: StepResult;
  captured: Map<string, unknown>;
  /**
   * When set, `result` still lacks its excerpts: this adds them and returns the final,
   * redacted result. The path run calls it while the next step's request is in flight
   * (the client's bookkeeping then overlaps the server's work), or at the end.
   */
  complete?: () => StepResult;
  /** The HTTP status of the last answer, when there was one. */
  httpStatus?: number;
}

interface RenderedStep {
  request: PreparedRequest;
  expect: StepExpect | undefined;
  assertions: NamedAssertion[] | undefined;
  until: StepExpect | undefined;
  timeoutMs: number;
  intervalMs: number;
}

type Rendered = { ok: true; step: RenderedStep } | { ok: false; error: RunError };

/** Run one step; never throws: template, URL and timing problems become an errored step. */
export async function runStep(step: Step, ctx: StepContext): Promise<StepOutcome> {
  const start = performance.now();
  const before = await prepareVariables(step, ctx);
  const rendered = before.ok ? renderStep(step, ctx) : before;
  if (!rendered.ok) {
    const result = base({ step, ctx, status: 'error', start, attempts: 0 });
    result.error = rendered.error;
    return { result: redactStepResult(result, ctx.scope.redactor), captured: new Map() };
  }
  const { request, expect, assertions, until, timeoutMs, intervalMs } = rendered.step;
  const input = { step, expect, assertions, request };
  const judgeOwn = (response: ReceivedResponse) => judgeResponse(input, response, ctx);
  const judge = until
    ? async (response: ReceivedResponse) => ({
        failures: [
          ...evaluateExpect(until, response, { variables: ctx.scope.vars }),
          ...(await openApiFailures(until, step, response, ctx)),
        ],
      })
    : judgeOwn;
  const attemptCtx = attemptContext(ctx, timeoutMs, judge);
  const policy = {
    count: step.retry?.count ?? 0,
    intervalMs,
    signal: ctx.signal,
    ...(ctx.serviceGone ? { serviceGone: ctx.serviceGone } : {}),
  };
  const retry = await withRetry(() => runAttempt(request, attemptCtx), policy);
  const final =
    until && retry.last?.kind === 'response' ? await judgeAfterPolling(retry.last, judgeOwn) : undefined;
  return finish(step, ctx, {
    retry,
    final,
    polled: until !== undefined,
    start,
    before: before as BeforeRequest,
  });
}

function renderStep(step: Step, ctx: StepContext): Rendered {
  const prepared = prepareRequest(step.request, ctx.scope, ctx.baseUrl);
  if (!prepared.ok) return prepared;
  for (const [name, value] of Object.entries(ctx.headers ?? {}))
    if (!hasHeader(prepared.request.headers, name)) prepared.request.headers[name] = value;
  try {
    // Expectations may use earlier captures too, e.g. `json: { "$.id": "{{ order_id }}" }`.
    const expect = step.expect ? renderTemplate(step.expect, ctx.scope) : undefined;
    const assertions = step.assertions ? renderTemplate(step.assertions, ctx.scope) : undefined;
    const until = step.retry?.until ? renderTemplate(step.retry.until, ctx.scope) : undefined;
    const timeoutMs = toMs(step.timeout ?? ctx.defaultTimeout);
    const intervalMs = toMs(step.retry?.interval ?? 0);
    const request = prepared.request;
    return { ok: true, step: { request, expect, assertions, until, timeoutMs, intervalMs } };
  } catch (error) {
    return { ok: false, error: toRunError(error, 'STEP_INVALID') };
  }
}

function attemptContext(ctx: StepContext, timeoutMs: number, judge: AttemptContext['judge']): AttemptContext {
  const { cookies, dispatcher, bodyLimit, signal } = ctx;
  const attempt: AttemptContext = {
    cookies,
    dispatcher,
    timeoutMs,
    bodyLimit,
    signal,
    redactor: ctx.scope.redactor,
    judge,
  };
  if (ctx.deadline) attempt.deadline = ctx.deadline;
  if (ctx.afterSend) attempt.afterSend = ctx.afterSend;
  return attempt;
}

/** After polling: `until` failures (if it never held) plus the own expect on the final response. */
async function judgeAfterPolling(
  last: Extract<AttemptOutcome, { kind: 'response' }>,
  judgeOwn: (response: ReceivedResponse) => Promise<Judgement>,
): Promise<Judgement> {
  const untilFailures: AssertionFailure[] = last.judgement.failures.map((f) => ({
    ...f,
    assertion: `until ${f.assertion}`,
    message: `until ${f.message} (still after polling)`,
  }));
  const own = await judgeOwn(last.response);
  return { ...own, failures: [...untilFailures, ...own.failures] };
}

interface Finished {
  retry: RetryOutcome;
  /** The judgement after polling; undefined when the step did not poll. */
  final: Judgement | undefined;
  polled: boolean;
  start: number;
  /** What `set` and the pre-request script did. */
  before: BeforeRequest;
}

function finish(step: Step, ctx: StepContext, done: Finished): StepOutcome {
  const { retry, final } = done;
  const last = retry.last;
  const redactor = ctx.scope.redactor;
  const head = { step, ctx, start: done.start, attempts: retry.attempts };
  if (!last) {
    const result = base({ ...head, status: 'skip' });
    result.skip_reason = 'run cancelled';
    return { result, captured: new Map() };
  }
  if (last.kind === 'error') {
    const result = base({ ...head, status: 'error', ttfbMs: last.ttfbMs });
    result.request = requestExcerpt(last.request, redactor);
    result.error = last.error;
    return { result: redactFreshStepResult(result, redactor), captured: new Map() };
  }
  const judgement = final ?? last.judgement;
  const failures = [...done.before.failures, ...judgement.failures];
  const failed = failures.length > 0;
  const result = base({ ...head, status: failed ? 'fail' : 'pass', ttfbMs: last.response.ttfbMs });
  result.flaky = !failed && !done.polled && retry.attempts > 1;
  if (failed) result.failures = failures;
  const outcomes: AssertionOutcome[] = [...done.before.outcomes, ...(judgement.assertions ?? [])];
  if (outcomes.length > 0 || judgement.assertions) result.assertions = outcomes;
  // Captured even when an assertion failed: a clean-up step or `on_failure: continue` needs them.
  const captured = judgement.captured ?? new Map<string, unknown>();
  // Excerpts are made after the captures, so a secret first seen in this response is already
  // known (made later, the redactor only knows more).
  const complete = (): StepResult => {
    result.request = requestExcerpt(last.request, redactor);
    result.response = responseExcerpt(last.response, redactor);
    return redactFreshStepResult(result, redactor);
  };
  return { result, captured, complete, httpStatus: last.response.status };
}

interface ResultHead {
  step: Step;
  ctx: StepContext;
  status: StepResult['status'];
  start: number;
  attempts: number;
  ttfbMs?: number | undefined;
}

/** The fields every step result has, in the order results show them. */
function base(head: ResultHead): StepResult {
  const ttfb = head.ttfbMs === undefined ? {} : { ttfb_ms: head.ttfbMs };
  const result: StepResult = {
    name: head.step.name,
    status: head.status,
    duration_ms: elapsedMs(head.start),
    ...ttfb,
    attempts: head.attempts,
    flaky: false,
  };
  if (head.ctx.source) result.source = head.ctx.source;
  return result;
}
