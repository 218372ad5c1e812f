/**
 * One attempt of a step: add the path's cookies, send, store the Set-Cookie lines,
 * then judge the response with the step's check (expect and captures, or `until`).
 */
import type { Dispatcher } from 'undici';
import type { AssertionFailure, AssertionOutcome } from '../checks/paths/result.js';
import type { RunError } from '../checks/result.js';
import type { Redactor } from '../secrets/redactor.js';
import { cookieValues, type PathCookies, withCookieHeader } from './cookies.js';
import type { SequentialDeadline } from './deadline.js';
import type { ReceivedResponse } from './response.js';
import { type PreparedRequest, sendRequest } from './send.js';

/** How a response is judged: the failures, the values captured, the named assertions' outcomes. */
export interface Judgement {
  failures: AssertionFailure[];
  captured?: Map<string, unknown>;
  assertions?: AssertionOutcome[];
}

/** What one attempt ended with. */
export type AttemptOutcome =
  | { kind: 'response'; request: PreparedRequest; response: ReceivedResponse; judgement: Judgement }
  | { kind: 'error'; request: PreparedRequest; error: RunError; ttfbMs?: number }
  | { kind: 'cancelled'; request: PreparedRequest };

/** An attempt that ran to its end (it was not cancelled). */
export type CompletedAttempt = Exclude<AttemptOutcome, { kind: 'cancelled' }>;

/** What an attempt needs from its step and path. */
export interface AttemptContext {
  cookies: PathCookies;
  dispatcher: Dispatcher;
  timeoutMs: number;
  bodyLimit: number;
  signal: AbortSignal;
  /** Shared by the attempts of a path run (see deadline.ts). */
  deadline?: SequentialDeadline;
  /** Called once a request is on its way (see run-path.ts). */
  afterSend?: () => void;
  /** Cookie values the server sets are registered here: they are usually sessions. */
  redactor: Redactor;
  judge: (response: ReceivedResponse) => Promise<Judgement>;
}

/** Send `prepared` once and judge what came back; never throws. */
export async function runAttempt(prepared: PreparedRequest, ctx: AttemptContext): Promise<AttemptOutcome> {
  // Awaits only when there is something to wait for: most paths never see a cookie.
  const fromJar = ctx.cookies.empty ? undefined : await ctx.cookies.cookieHeader(prepared.url);
  const request = { ...prepared, headers: withCookieHeader(prepared.headers, fromJar) };
  const sent = await sendRequest(request, ctx);
  if (sent.kind === 'cancelled') return { kind: 'cancelled', request };
  if (sent.kind === 'error') {
    const outcome: AttemptOutcome = { kind: 'error', request, error: sent.error };
    if (sent.ttfbMs !== undefined) outcome.ttfbMs = sent.ttfbMs;
    return outcome;
  }
  const setCookies = sent.response.headerValues('set-cookie');
  if (setCookies.length > 0) {
    for (const value of cookieValues(setCookies)) ctx.redactor.add(value);
    await ctx.cookies.store(request.url, setCookies);
  }
  return { kind: 'response', request, response: sent.response, judgement: await ctx.judge(sent.response) };
}

/** Whether an attempt is done: it got a response and nothing failed. */
export function attemptPassed(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'response' && outcome.judgement.failures.length === 0;
}
