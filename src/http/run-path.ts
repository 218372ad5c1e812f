/**
 * Running one critical path: its steps in order, with one cookie jar and one scope
 * per run, captures feeding later steps, and the rest skipped after a step that
 * failed, errored or was cancelled (unless `on_failure: continue`, or the step is
 * `always`), then its `teardown` steps whatever happened. Everything ends as a
 * PathResult; nothing throws.
 */
import type { Dispatcher } from 'undici';
import type { PathResult, StepResult, StepStatus } from '../checks/paths/result.js';
import { createOpenApiValidator, type OpenApiValidator } from '../openapi/validator.js';
import type { CriticalPath, Duration, Step } from '../plan/schema.js';
import type { SourceRef } from '../plan/source-ref.js';
import type { TemplateScope } from '../plan/template.js';
import { EngineAgent } from './agent.js';
import type { AuthTokens } from './auth.js';
import { PathCookies } from './cookies.js';
import { SequentialDeadline } from './deadline.js';
import { toRunError } from './prepare.js';
import { runStep, type StepContext, type StepOutcome } from './run-step.js';
import { ScriptHost } from './script-host.js';
import { elapsedMs } from './timing.js';

/** Bytes of a response body kept by default. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** How to run a critical path. */
export interface PathRunOptions {
  /** e.g. http://127.0.0.1:41234; step URLs are relative to it unless absolute. */
  baseUrl: string;
  /** Base scope; its vars are copied per path run, then path variables and captures are added. */
  scope: TemplateScope;
  /** Default per-step timeout. */
  settings: { step_timeout: Duration };
  /** Run cancellation: remaining steps are skipped with reason `run cancelled`. */
  signal: AbortSignal;
  /**
   * How the service preflight started ended ("exited with code 1"), once it has; null while it
   * runs. A step's retries stop then, and the steps after it are skipped, clean-up included.
   */
  serviceGone?: () => string | null;
  /** Shared keep-alive dispatcher; a private EngineAgent is created (and closed) when absent. */
  dispatcher?: Dispatcher;
  /** Where each step is in the plan file. */
  locate?: (stepIndex: number, list?: 'steps' | 'teardown') => SourceRef | undefined;
  /** Max bytes of a response body kept (default 1 MiB); the rest is not read. */
  bodyLimit?: number;
  /** For `schema: openapi`; by default the document is fetched from `{baseUrl}/openapi.json` once per path run. */
  openapi?: OpenApiValidator;
  /** The pass's tokens of `auth.users`; without it, steps are sent without a token. */
  auth?: AuthTokens;
}

/** Run a critical path's steps in order and return its result; never throws. */
export async function runCriticalPath(path: CriticalPath, options: PathRunOptions): Promise<PathResult> {
  const start = performance.now();
  const ownAgent = options.dispatcher ? undefined : new EngineAgent();
  try {
    const dispatcher = options.dispatcher ?? (ownAgent as EngineAgent);
    const steps = await runSteps(path, options, dispatcher);
    return {
      name: path.name,
      owner: path.owner,
      expect: path.expect,
      rollback: path.rollback,
      status: pathStatus(steps),
      flaky: steps.some((step) => step.flaky),
      duration_ms: elapsedMs(start),
      steps,
    };
  } finally {
    await ownAgent?.close().catch(() => undefined);
  }
}

async function runSteps(
  path: CriticalPath,
  options: PathRunOptions,
  dispatcher: Dispatcher,
): Promise<StepResult[]> {
  const scope: TemplateScope = { ...options.scope, vars: new Map(options.scope.vars) };
  for (const [name, value] of Object.entries(path.variables ?? {})) scope.vars.set(name, value);
  const deadline = new SequentialDeadline(options.signal);
  let host: ScriptHost | undefined;
  const shared = {
    scope,
    cookies: new PathCookies(),
    dispatcher,
    baseUrl: options.baseUrl,
    signal: options.signal,
    deadline,
    ...(options.serviceGone ? { serviceGone: options.serviceGone } : {}),
    openapi: options.openapi ?? defaultOpenApi(path, options.baseUrl),
    scripts: () => {
      host ??= new ScriptHost();
      return host;
    },
  };
  // Booting the sandbox takes a while: it starts with the path, alongside its first requests.
  if ([...path.steps, ...(path.teardown ?? [])].some((step) => step.script !== undefined))
    shared.scripts().warm();
  try {
    return await runEachStep(path, options, shared);
  } finally {
    deadline.dispose();
    await host?.close();
  }
}

async function runEachStep(
  path: CriticalPath,
  options: PathRunOptions,
  shared: Omit<StepContext, 'defaultTimeout' | 'bodyLimit' | 'source'>,
): Promise<StepResult[]> {
  const { scope } = shared;
  const results: StepResult[] = [];
  const startedAt: (string | undefined)[] = [];
  let skipReason: string | undefined;
  // A step's excerpts are made once the next step's request is on its way (or at the end):
  // that bookkeeping then overlaps the server's work instead of delaying the next request.
  let pending: { index: number; outcome: StepOutcome } | null = null;
  const settle = (): void => {
    if (!pending) return;
    const { index, outcome } = pending;
    pending = null;
    results[index] = completeResult(outcome, scope);
  };
  const common: StepContext = {
    ...shared,
    defaultTimeout: options.settings.step_timeout,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    afterSend: settle,
  };
  const steps = [
    ...path.steps.map((step, index) => ({ step, index, teardown: false })),
    ...(path.teardown ?? []).map((step, index) => ({ step, index, teardown: true })),
  ];
  for (const { step, index, teardown } of steps) {
    const source = options.locate?.(index, teardown ? 'teardown' : 'steps');
    if (options.signal.aborted) skipReason = 'run cancelled';
    const gone = options.serviceGone?.();
    if (gone) skipReason = `the service ${gone}`;
    const cleanUp = teardown || step.always === true;
    const reason = skipReason === 'run cancelled' || gone || !cleanUp ? skipReason : undefined;
    if (reason !== undefined) {
      results.push(mark(skipped(step, reason, source), teardown));
      continue;
    }
    const ctx: StepContext = source ? { ...common, source } : common;
    startedAt[results.length] = new Date().toISOString();
    const outcome = await runWithAuth(step, path, ctx, options.auth);
    settle();
    results.push(mark(cleanUp ? nothingToCleanUp(outcome.result) : outcome.result, teardown));
    if (outcome.complete) pending = { index: results.length - 1, outcome };
    for (const [name, value] of outcome.captured) {
      if (value === undefined) scope.vars.delete(name);
      else scope.vars.set(name, value);
    }
    if (path.on_failure !== 'continue' && !teardown) skipReason ??= reasonToSkipRest(outcome.result);
  }
  settle();
  // A step that did not pass says when it ran: the logs check links its traceback by time.
  results.forEach((result, i) => {
    const at = startedAt[i];
    if (at && result.status !== 'pass' && result.status !== 'skip') result.started_at = at;
  });
  return results;
}

function mark(result: StepResult, teardown: boolean): StepResult {
  if (teardown) result.teardown = true;
  return result;
}

/**
 * A clean-up step whose request names a variable no step set (the thing it would delete was
 * never created) is skipped with that reason instead of erroring.
 */
function nothingToCleanUp(result: StepResult): StepResult {
  if (result.status !== 'error' || result.error?.code !== 'TEMPLATE_UNKNOWN_VARIABLE') return result;
  const { error, ...rest } = result;
  return { ...rest, status: 'skip', skip_reason: `nothing to clean up: ${error.message}` };
}

/** The final result of a step whose excerpts were left for later; a failure there errors the step. */
function completeResult(outcome: StepOutcome, scope: TemplateScope): StepResult {
  try {
    return outcome.complete?.() ?? outcome.result;
  } catch (error) {
    const result: StepResult = { ...outcome.result, status: 'error', flaky: false };
    // Whatever complete() got to set before it threw is not redacted: keep none of it.
    delete result.failures;
    delete result.request;
    delete result.response;
    result.error = toRunError(error, 'INTERNAL_ERROR');
    result.error.message = scope.redactor.redact(result.error.message);
    return result;
  }
}

/** A validator from the service's `/openapi.json`, when some step asks for `schema: openapi`. */
function defaultOpenApi(path: CriticalPath, baseUrl: string): OpenApiValidator | undefined {
  const wanted = path.steps.some(
    (s) => s.expect?.schema === 'openapi' || s.retry?.until?.schema === 'openapi',
  );
  return wanted
    ? createOpenApiValidator({ source: '/openapi.json', serviceUrl: baseUrl, baseDir: '.' })
    : undefined;
}

/**
 * A step sent with its user's token; answered 401, it is sent once more with a token fetched
 * again (the server may have expired it early). A user without a token fails the step.
 */
async function runWithAuth(
  step: Step,
  path: CriticalPath,
  ctx: StepContext,
  tokens: AuthTokens | undefined,
): Promise<StepOutcome> {
  const user = tokens?.userOf(step, path);
  if (!tokens || user === undefined) return safeRunStep(step, ctx);
  const start = performance.now();
  let header = await tokens.header(user);
  if (!header.ok) return authFailed(step, ctx, header.message, start);
  const first = await safeRunStep(step, { ...ctx, headers: { [header.name]: header.value } });
  if (first.httpStatus !== 401 || first.result.status === 'pass') return first;
  tokens.invalidate(user, header.token);
  header = await tokens.header(user);
  if (!header.ok) return authFailed(step, ctx, header.message, start);
  return safeRunStep(step, { ...ctx, headers: { [header.name]: header.value } });
}

function authFailed(step: Step, ctx: StepContext, message: string, start: number): StepOutcome {
  const text = ctx.scope.redactor.redact(message);
  const result: StepResult = {
    name: step.name,
    status: 'fail',
    duration_ms: elapsedMs(start),
    attempts: 0,
    flaky: false,
    failures: [{ assertion: 'auth', expected: 'a token', actual: undefined, message: text }],
  };
  if (ctx.source) result.source = ctx.source;
  return { result, captured: new Map() };
}

/** runStep, with anything unexpected it throws turned into an errored step. */
async function safeRunStep(step: Step, ctx: StepContext): Promise<StepOutcome> {
  const start = performance.now();
  try {
    return await runStep(step, ctx);
  } catch (error) {
    const result: StepResult = {
      name: step.name,
      status: 'error',
      duration_ms: elapsedMs(start),
      attempts: 0,
      flaky: false,
    };
    result.error = toRunError(error, 'INTERNAL_ERROR');
    result.error.message = ctx.scope.redactor.redact(result.error.message);
    if (ctx.source) result.source = ctx.source;
    return { result, captured: new Map() };
  }
}

function reasonToSkipRest(result: StepResult): string | undefined {
  if (result.status === 'fail') return `step "${result.name}" failed`;
  if (result.status === 'error') return `step "${result.name}" errored`;
  if (result.status === 'skip') return result.skip_reason ?? 'run cancelled';
  return undefined;
}

function skipped(step: Step, reason: string, source: SourceRef | undefined): StepResult {
  const result: StepResult = { name: step.name, status: 'skip', duration_ms: 0, attempts: 0, flaky: false };
  result.skip_reason = reason;
  if (source) result.source = source;
  return result;
}

/**
 * A path's status: the status of its first step that did not pass, else `pass`; a clean-up
 * step skipped with nothing to clean up does not count.
 */
export function pathStatus(steps: StepResult[]): StepStatus {
  const counted = steps.filter((step) => !step.skip_reason?.startsWith('nothing to clean up'));
  return counted.find((step) => step.status !== 'pass')?.status ?? 'pass';
}
