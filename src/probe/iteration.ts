/**
 * One iteration of the load probe: one virtual user runs a whole critical path in
 * order, with its own scope (captures) and cookie jar. It reuses the HTTP engine's
 * pieces (prepare, send, assert, capture) but builds no rich step results, so that
 * it stays cheap under load. Retries are not applied: under load, a retry would
 * hide the very errors the probe counts.
 */
import type { Dispatcher } from 'undici';
import { evaluateExpect } from '../http/assert.js';
import { captureValues } from '../http/capture.js';
import { cookieValues, PathCookies, withCookieHeader } from '../http/cookies.js';
import { prepareRequest } from '../http/prepare.js';
import { sendRequest } from '../http/send.js';
import { type CriticalPath, type Duration, type Step, toMs } from '../plan/schema.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';

/** Bytes of a response body read under load (enough for captures and assertions). */
const BODY_LIMIT = 256 * 1024;

/** Where an iteration reports each step as it ends. */
export interface IterationRecorder {
  /** A step ended: its latency (ms) and whether it passed; `error` says why not. */
  step: (stepIndex: number, ms: number, error: string | null) => void;
}

/** What one iteration needs. */
export interface IterationOptions {
  path: CriticalPath;
  baseUrl: string;
  /** This iteration's own scope (a copy: captures are written into it). */
  scope: TemplateScope;
  dispatcher: Dispatcher;
  defaultTimeout: Duration;
  signal: AbortSignal;
  /** `performance.now()` at which the iteration was meant to start. */
  intendedStart: number;
}

/** How an iteration ended: its latency from the intended start, or the first error. */
export type IterationOutcome =
  | { ok: true; ms: number }
  | { ok: false; ms: number; error: string }
  | { ok: false; cancelled: true };

/** Run one iteration; never throws. */
export async function runIteration(
  o: IterationOptions,
  recorder: IterationRecorder,
): Promise<IterationOutcome> {
  const cookies = new PathCookies();
  let hasCookies = false;
  for (const [name, value] of Object.entries(o.path.variables ?? {})) o.scope.vars.set(name, value);
  for (const [index, step] of o.path.steps.entries()) {
    // The first step is timed from when it was meant to be sent: coordinated omission.
    const start = index === 0 ? o.intendedStart : performance.now();
    const error = await runProbeStep(step, o, { cookies, hasCookies });
    if (error === 'cancelled') return { ok: false, cancelled: true };
    const ms = performance.now() - start;
    recorder.step(index, ms, error.message);
    hasCookies ||= error.cookies;
    if (error.message !== null)
      return { ok: false, ms: performance.now() - o.intendedStart, error: error.message };
  }
  return { ok: true, ms: performance.now() - o.intendedStart };
}

type StepEnd = 'cancelled' | { message: string | null; cookies: boolean };

async function runProbeStep(
  step: Step,
  o: IterationOptions,
  jar: { cookies: PathCookies; hasCookies: boolean },
): Promise<StepEnd> {
  const prepared = prepareRequest(step.request, o.scope, o.baseUrl);
  if (!prepared.ok) return { message: `${step.name}: ${prepared.error.message}`, cookies: false };
  const request = prepared.request;
  if (jar.hasCookies)
    request.headers = withCookieHeader(request.headers, await jar.cookies.cookieHeader(request.url));
  const timeoutMs = toMs(step.timeout ?? o.defaultTimeout);
  const sent = await sendRequest(request, {
    dispatcher: o.dispatcher,
    timeoutMs,
    bodyLimit: BODY_LIMIT,
    signal: o.signal,
  });
  if (sent.kind === 'cancelled') return 'cancelled';
  if (sent.kind === 'error') return { message: `${step.name}: ${sent.error.message}`, cookies: false };
  const response = sent.response;
  const setCookies = response.headerValues('set-cookie');
  if (setCookies.length > 0) await jar.cookies.store(request.url, setCookies);
  const stored = setCookies.length > 0 && cookieValues(setCookies).length > 0;
  try {
    const expect = step.expect ? renderTemplate(step.expect, o.scope) : undefined;
    const failures = expect ? evaluateExpect(expect, response) : [];
    if (failures.length > 0) return { message: `${step.name}: ${failures[0]?.message}`, cookies: stored };
    if (step.capture) {
      const context = { response, cookies: jar.cookies, url: request.url, redactor: o.scope.redactor };
      const captured = await captureValues(step.capture, context);
      if (captured.failures.length > 0)
        return { message: `${step.name}: ${captured.failures[0]?.message}`, cookies: stored };
      for (const [name, value] of captured.values) o.scope.vars.set(name, value);
    }
  } catch (error) {
    return { message: `${step.name}: ${(error as Error).message}`, cookies: stored };
  }
  return { message: null, cookies: stored };
}
