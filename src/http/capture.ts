/**
 * Captures: values taken from a response (JSONPath, header, cookie, regex) for later
 * steps. A capture that finds nothing is an assertion failure. Values that are
 * secret (by flag, by name, or by where they came from) are registered for redaction.
 */
import type { AssertionFailure } from '../checks/paths/result.js';
import type { Capture } from '../plan/schema.js';
import { isSecretHeader } from '../secrets/names.js';
import type { Redactor } from '../secrets/redactor.js';
import { cookieFromSetCookie, type PathCookies } from './cookies.js';
import { queryJsonPath } from './json-path.js';
import { toRegExp } from './matcher.js';
import type { ReceivedResponse } from './response.js';

/** What captures read from. */
export interface CaptureContext {
  response: ReceivedResponse;
  cookies: PathCookies;
  /** The request URL, for cookies the jar holds. */
  url: string;
  redactor: Redactor;
}

/** Captured values by name, and the captures that found nothing. */
export interface CaptureOutcome {
  values: Map<string, unknown>;
  failures: AssertionFailure[];
}

type Found = { ok: true; value: unknown; secret: boolean } | { ok: false; reason: string };

const SOURCES = ['json', 'header', 'cookie', 'regex'] as const;

/** Take every capture from a response; secret values are added to the redactor at once. */
export async function captureValues(
  captures: Record<string, Capture>,
  ctx: CaptureContext,
): Promise<CaptureOutcome> {
  const outcome: CaptureOutcome = { values: new Map(), failures: [] };
  for (const [name, spec] of Object.entries(captures)) {
    const found = await findValue(spec, ctx);
    if (!found.ok) {
      const assertion = `capture ${name}`;
      outcome.failures.push({
        assertion,
        expected: spec,
        actual: undefined,
        message: `${assertion}: ${found.reason}`,
      });
      continue;
    }
    const flagged = typeof spec === 'object' && spec.secret === true;
    if (flagged || found.secret) ctx.redactor.add(found.value);
    else ctx.redactor.addNamed(name, found.value);
    const text = typeof spec === 'object' && spec.text === true;
    outcome.values.set(name, text ? asText(found.value) : found.value);
  }
  return outcome;
}

async function findValue(spec: Capture, ctx: CaptureContext): Promise<Found> {
  if (typeof spec === 'string') return fromJson(spec, ctx.response);
  const given = SOURCES.filter((source) => spec[source] !== undefined);
  if (given.length !== 1) {
    return {
      ok: false,
      reason: `give exactly one of json, header, cookie, regex (got ${given.join(', ') || 'none'})`,
    };
  }
  if (spec.json !== undefined) return fromJson(spec.json, ctx.response);
  if (spec.header !== undefined) return fromHeader(spec.header, ctx.response);
  if (spec.cookie !== undefined) return fromCookie(spec.cookie, ctx);
  return fromRegex(spec.regex ?? '', ctx.response);
}

function fromJson(path: string, res: ReceivedResponse): Found {
  const body = res.json();
  if (!body.ok) return { ok: false, reason: body.reason };
  const query = queryJsonPath(body.value, path);
  if (!query.ok) return query;
  if (query.value === undefined) return { ok: false, reason: `${path} matched nothing in the response body` };
  return { ok: true, value: query.value, secret: false };
}

function fromHeader(name: string, res: ReceivedResponse): Found {
  const value = res.header(name);
  if (value === undefined) return { ok: false, reason: `the response has no ${name} header` };
  return { ok: true, value, secret: isSecretHeader(name) };
}

async function fromCookie(name: string, ctx: CaptureContext): Promise<Found> {
  const value =
    cookieFromSetCookie(ctx.response.headerValues('set-cookie'), name) ??
    (await ctx.cookies.value(name, ctx.url));
  if (value === undefined) return { ok: false, reason: `no cookie ${name} was set` };
  return { ok: true, value, secret: true };
}

function fromRegex(source: string, res: ReceivedResponse): Found {
  let match: RegExpExecArray | null;
  try {
    match = toRegExp(source).exec(res.text);
  } catch (error) {
    return { ok: false, reason: `invalid regular expression /${source}/: ${(error as Error).message}` };
  }
  if (!match) return { ok: false, reason: `/${source}/ matched nothing in the response body` };
  return { ok: true, value: match[1] ?? match[0], secret: false };
}

/** A value as the legacy Postman setters store it: its text, except 0, null and "" (left as they are). */
function asText(value: unknown): unknown {
  return value === false || value ? String(value) : value;
}
