/**
 * A step's kept Postman script (`script:`), run through the path run's ScriptHost: the
 * pre-request part before the request is rendered, the test part after the response and the
 * captures. Its tests become named assertions (`from: script`), a throw becomes a failure,
 * and what it sets or unsets becomes variables for the steps after it.
 */
import type { AssertionFailure, AssertionOutcome } from '../checks/paths/result.js';
import type { StepScript } from '../plan/schema.js';
import type { ReceivedResponse } from './response.js';
import type { ScriptHost } from './script-host.js';
import type { ScriptReply } from './script-types.js';

/** What a script run gave the step. */
export interface ScriptOutcome {
  outcomes: AssertionOutcome[];
  failures: AssertionFailure[];
  /** Variables set (a value) or unset (undefined). */
  changes: Map<string, unknown>;
}

/** The request as the script sees it (`pm.request`). */
export interface ScriptRequestView {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The two parts of a step's script. */
export function scriptParts(script: StepScript | undefined): { prerequest?: string; test?: string } {
  if (script === undefined) return {};
  return typeof script === 'string' ? { test: script } : script;
}

/** Run the pre-request part (before the request is rendered). */
export async function runPrerequestScript(
  host: ScriptHost,
  code: string,
  request: ScriptRequestView,
  variables: ReadonlyMap<string, unknown>,
): Promise<ScriptOutcome> {
  const reply = await host.run({
    listen: 'prerequest',
    code,
    variables: Object.fromEntries(variables),
    request: requestOf(request),
  });
  return toOutcome(reply, 'pre-request script');
}

/** Run the test part against a response. */
export async function runTestScript(
  host: ScriptHost,
  code: string,
  request: ScriptRequestView,
  response: ReceivedResponse,
  variables: ReadonlyMap<string, unknown>,
): Promise<ScriptOutcome> {
  const reply = await host.run({
    listen: 'test',
    code,
    variables: Object.fromEntries(variables),
    request: requestOf(request),
    response: {
      code: response.status,
      reason: '',
      headers: Object.entries(response.headerRecord()),
      body: response.body.toString('base64'),
      responseTime: Math.round(response.durationMs),
      cookies: cookiesOf(response.headerValues('set-cookie')),
    },
  });
  return toOutcome(reply, 'test script');
}

function toOutcome(reply: ScriptReply, which: string): ScriptOutcome {
  const out: ScriptOutcome = { outcomes: [], failures: [], changes: new Map() };
  for (const a of reply.assertions) {
    if (a.skipped) {
      out.outcomes.push({ name: a.name, status: 'skip', from: 'script' });
      continue;
    }
    if (a.passed) {
      out.outcomes.push({ name: a.name, status: 'pass', from: 'script' });
      continue;
    }
    const message = a.message ?? 'failed';
    out.outcomes.push({ name: a.name, status: 'fail', from: 'script', message });
    out.failures.push({
      assertion: 'script',
      expected: undefined,
      actual: undefined,
      message: `${a.name}: ${message}`,
      name: a.name,
    });
  }
  if (reply.error) {
    const message = `${which}: ${reply.error}`;
    out.failures.push({ assertion: 'script', expected: undefined, actual: undefined, message });
  }
  for (const [name, value] of Object.entries(reply.set)) out.changes.set(name, value);
  for (const name of reply.unset) out.changes.set(name, undefined);
  return out;
}

function requestOf(request: ScriptRequestView) {
  return {
    method: request.method,
    url: request.url,
    headers: Object.entries(request.headers),
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

/** `name=value` of each Set-Cookie line. */
function cookiesOf(lines: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const line of lines) {
    const pair = line.split(';', 1)[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) out.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
  }
  return out;
}
