/**
 * Captures: values taken from a response (JSONPath, header, cookie, regex), or a fixed
 * `value` set once the response is in, for later steps. A capture applies when its
 * `when`/`unless` conditions allow; one that finds nothing is an assertion failure. Values
 * that are secret (by flag, by name, or by where they came from) are registered for redaction.
 */
import type { AssertionFailure } from '../checks/paths/result.js';
import { queryJsonPath } from '../json/json-path.js';
import { CAPTURE_SOURCES } from '../plan/capture-sources.js';
import type { Capture } from '../plan/schema.js';
import { renderTemplate, TemplateError, type TemplateScope } from '../plan/template.js';
import { isSecretHeader } from '../secrets/names.js';
import { cookieFromSetCookie, type PathCookies } from './cookies.js';
import { toRegExp } from './matcher.js';
import { conditionsAllow } from './named-assertions.js';
import type { ReceivedResponse } from './response.js';

/** What captures read from. */
export interface CaptureContext {
  response: ReceivedResponse;
  cookies: PathCookies;
  /** The request URL, for cookies the jar holds. */
  url: string;
  /** The step's scope at capture time: a `value` is rendered in it, and conditions read its variables. */
  scope: TemplateScope;
}

/** Captured values by name, and the captures that found nothing. */
export interface CaptureOutcome {
  values: Map<string, unknown>;
  failures: AssertionFailure[];
}

type Found = { ok: true; value: unknown; secret: boolean } | { ok: false; reason: string };

/**
 * Take every capture whose conditions allow it, in plan order; secret values are added to the
 * redactor at once. A `value` sees the captures before it in the same step.
 */
export async function captureValues(
  captures: Record<string, Capture>,
  ctx: CaptureContext,
): Promise<CaptureOutcome> {
  const outcome: CaptureOutcome = { values: new Map(), failures: [] };
  for (const [name, spec] of Object.entries(captures)) {
    if (typeof spec === 'object' && !conditionsAllow(spec, ctx.response, ctx.scope.vars)) continue;
    const found = await findValue(spec, ctx, outcome.values);
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
    if (flagged || found.secret) ctx.scope.redactor.add(found.value);
    else ctx.scope.redactor.addNamed(name, found.value);
    const text = typeof spec === 'object' && spec.text === true;
    outcome.values.set(name, text ? asText(found.value) : found.value);
  }
  return outcome;
}

async function findValue(
  spec: Capture,
  ctx: CaptureContext,
  earlier: ReadonlyMap<string, unknown>,
): Promise<Found> {
  if (typeof spec === 'string') return fromJson(spec, ctx.response);
  const given = CAPTURE_SOURCES.filter((source) => spec[source] !== undefined);
  if (given.length !== 1) {
    return {
      ok: false,
      reason: `give exactly one of ${CAPTURE_SOURCES.join(', ')} (got ${given.join(', ') || 'none'})`,
    };
  }
  if (spec.json !== undefined) return fromJson(spec.json, ctx.response);
  if (spec.header !== undefined) return fromHeader(spec.header, ctx.response);
  if (spec.cookie !== undefined) return fromCookie(spec.cookie, ctx);
  if (spec.regex !== undefined) return fromRegex(spec.regex, ctx.response);
  return fromPlan(spec.value, ctx.scope, earlier);
}

/**
 * A fixed value of the plan, rendered once in the step's scope and the captures before it:
 * whatever it substitutes is data, never rendered again.
 */
function fromPlan(value: unknown, scope: TemplateScope, earlier: ReadonlyMap<string, unknown>): Found {
  const vars = earlier.size > 0 ? new Map([...scope.vars, ...earlier]) : scope.vars;
  try {
    return { ok: true, value: renderTemplate(value, { ...scope, vars }), secret: false };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return { ok: false, reason: error.message };
  }
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
