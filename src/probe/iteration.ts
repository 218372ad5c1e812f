/**
 * One iteration of the load probe: one virtual user runs a whole critical path in
 * order, with its own scope (captures) and cookie jar. It reuses the HTTP engine's
 * pieces (prepare, assert, capture) but builds no rich step results, so that it stays
 * cheap under load: requests without templates are prepared once (see compiled.ts),
 * a scope is made only for paths that use one, and a cookie jar only once a response
 * sets a cookie. Retries are not applied: under load, a retry would hide the very
 * errors the probe counts.
 */

import { performance } from 'node:perf_hooks'; // faster than the global accessor (see h1-pool.ts)
import { evaluateExpect } from '../http/assert.js';
import { captureValues } from '../http/capture.js';
import { PathCookies, withCookieHeader } from '../http/cookies.js';
import { prepareRequest } from '../http/prepare.js';
import type { ReceivedResponse } from '../http/response.js';
import type { Step } from '../plan/schema.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';
import { type CompiledPath, type CompiledStep, toProbeRequest } from './compiled.js';
import type { ProbeRequest, ProbeSender } from './sender.js';

/** Bytes of a response body read under load (enough for captures and assertions). */
const BODY_LIMIT = 256 * 1024;

/** Where an iteration reports each step as it ends (one recorder per path, reused). */
export interface IterationRecorder {
  /** A step ended: its latency (ms) and whether it passed; `error` says why not. */
  step: (stepIndex: number, ms: number, error: string | null) => void;
}

/** What iterations of one path share. */
export interface IterationContext {
  compiled: CompiledPath;
  baseUrl: string;
  sender: ProbeSender;
  recorder: IterationRecorder;
}

/** How an iteration ended: its latency from its start, or the first error. */
export type IterationOutcome =
  | { ok: true; ms: number }
  | { ok: false; ms: number; error: string }
  | { ok: false; cancelled: true };

const CANCELLED: IterationOutcome = { ok: false, cancelled: true };

/**
 * Run one iteration; never throws. `start` is the `performance.now()` it is timed from:
 * the intended start in the open model (coordinated omission), the actual one otherwise.
 * `scope` is this iteration's own scope, or null when the path needs none.
 */
export async function runIteration(
  c: IterationContext,
  scope: TemplateScope | null,
  start: number,
): Promise<IterationOutcome> {
  if (scope)
    for (const [name, value] of Object.entries(c.compiled.path.variables ?? {})) scope.vars.set(name, value);
  const jar: Jar = { cookies: null, receivedAt: 0 };
  const steps = c.compiled.steps;
  let last = start;
  for (let index = 0; index < steps.length; index++) {
    // The first step is timed from the iteration's start (the intended one in the open model).
    const stepStart = index === 0 ? start : performance.now();
    jar.receivedAt = 0;
    const error = await runStep(steps[index] as CompiledStep, c, scope, jar);
    if (error === 'cancelled') return CANCELLED;
    // The step's latency ends when its response was read, before the probe's own parsing and checks.
    const end = jar.receivedAt || performance.now();
    c.recorder.step(index, end - stepStart, error);
    if (error !== null) return { ok: false, ms: end - start, error };
    last = end;
  }
  // The iteration ends when its last response was read (the checks after it are the probe's).
  return { ok: true, ms: last - start };
}

/** An iteration's state between its steps. */
interface Jar {
  cookies: PathCookies | null;
  /** When the current step's response was complete (0: no response). */
  receivedAt: number;
}

/** One step: null when it passed, the error message, or 'cancelled'. */
async function runStep(
  cs: CompiledStep,
  c: IterationContext,
  scope: TemplateScope | null,
  jar: Jar,
): Promise<string | null | 'cancelled'> {
  const name = cs.step.name;
  let request: ProbeRequest;
  if (cs.request) request = cs.request;
  else {
    const prepared = prepareRequest(cs.step.request, scope as TemplateScope, c.baseUrl);
    if (!prepared.ok) return `${name}: ${prepared.error.message}`;
    request = toProbeRequest(prepared.request);
  }
  if (jar.cookies) {
    const header = await jar.cookies.cookieHeader(request.url);
    if (header !== undefined) request = { ...request, headers: withCookieHeader(request.headers, header) };
  }
  const sent = await c.sender.send(request, cs.timeoutMs, BODY_LIMIT);
  if (sent.kind === 'cancelled') return 'cancelled';
  if (sent.kind === 'error') return `${name}: ${sent.error.message}`;
  const response = sent.response;
  jar.receivedAt = response.receivedAt;
  const setCookies = response.headerValues('set-cookie');
  if (setCookies.length > 0) {
    jar.cookies ??= new PathCookies();
    await jar.cookies.store(request.url, setCookies);
  }
  if (cs.expect === undefined && !cs.step.capture) {
    // No expect: the implicit 2xx/3xx still holds (a 5xx is an error, not a fast success).
    const failure = evaluateExpect(undefined, response)[0];
    return failure ? `${name}: ${failure.message}` : null;
  }
  // The assertions are synchronous; only captures wait (a step without them makes no other promise).
  const failure = checkExpect(cs, response, scope);
  const capture = cs.step.capture;
  if (failure !== null || !capture || !scope) return failure;
  return await captureStep(name, capture, response, scope, jar, request.url);
}

/** The step's assertions: null when they hold, else the first failure. */
function checkExpect(
  cs: CompiledStep,
  response: ReceivedResponse,
  scope: TemplateScope | null,
): string | null {
  try {
    const expect = cs.expect === null ? renderTemplate(cs.step.expect, scope as TemplateScope) : cs.expect;
    const failures = evaluateExpect(expect, response);
    return failures.length > 0 ? `${cs.step.name}: ${failures[0]?.message}` : null;
  } catch (error) {
    return `${cs.step.name}: ${(error as Error).message}`;
  }
}

/** The step's captures, into the scope: null when they all worked, else the first failure. */
async function captureStep(
  name: string,
  capture: NonNullable<Step['capture']>,
  response: ReceivedResponse,
  scope: TemplateScope,
  jar: Jar,
  url: string,
): Promise<string | null> {
  try {
    jar.cookies ??= new PathCookies();
    const context = { response, cookies: jar.cookies, url, scope };
    const captured = await captureValues(capture, context);
    if (captured.failures.length > 0) return `${name}: ${captured.failures[0]?.message}`;
    for (const [key, value] of captured.values) scope.vars.set(key, value);
  } catch (error) {
    return `${name}: ${(error as Error).message}`;
  }
  return null;
}
