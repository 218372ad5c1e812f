/**
 * Evaluating a step's `expect` block against a received response. Each kind of
 * assertion is a small function; every assertion that does not hold becomes one
 * AssertionFailure with what was expected, what came, and a sentence saying so.
 */
import type { AssertionFailure } from '../checks/paths/result.js';
import { queryJsonPath } from '../json/json-path.js';
import { toResultValue } from '../json/lossless.js';
import type { Matcher, StepExpect } from '../plan/schema.js';
import { describeValue } from './describe-value.js';
import { type MatcherFailure, type MatchOptions, matchValue, toRegExp } from './matcher.js';
import type { ReceivedResponse } from './response.js';
import { validateSchema, valueAtPointer } from './schema-check.js';
import { formatMs } from './timing.js';

/** Characters of the body shown as `actual` when it should have been JSON. */
const NOT_JSON_EXCERPT = 200;

/** At most this many schema violations are reported per step. */
const MAX_SCHEMA_FAILURES = 20;

/** The assertions on the response; `vars` (on the run's variables) is evaluated apart. */
type ResponseKey = Exclude<keyof StepExpect, 'vars'>;

/** The keys `evaluateExpect` checks; the compiler says so when StepExpect gains one it does not. */
type Checked = 'status' | 'headers' | 'body' | 'json' | 'schema' | 'max_ms';
type UncheckedResponseKey = Exclude<ResponseKey, Checked>;
const _everyKeyChecked: Record<UncheckedResponseKey, never> = {};

/** How `evaluateExpect` judges. */
export interface EvaluateOptions {
  /** The path run's variables and captures, for `vars` matchers. */
  variables?: ReadonlyMap<string, unknown>;
  /**
   * Without `status`, expect 2xx or 3xx (the default, for a step's own expect). Conditions and
   * named assertions judge only what they name.
   */
  implicitStatus?: boolean;
}

/**
 * Every assertion of `expect` that does not hold for `response` (empty: all hold). A step
 * that names no `status` expects 2xx or 3xx: a 4xx or 5xx fails unless the step names it.
 */
export function evaluateExpect(
  expect: StepExpect | undefined,
  response: ReceivedResponse,
  options: EvaluateOptions = {},
): AssertionFailure[] {
  const failures: AssertionFailure[] = [];
  if (expect?.status === undefined && options.implicitStatus !== false)
    failures.push(...assertImplicitStatus(response));
  if (!expect) return failures;
  // Each key read by name, in this order: the probe evaluates this for every response, and a
  // loop reading them by a variable key was a measurable part of its CPU per request.
  if (expect.status !== undefined) failures.push(...assertStatus(expect.status, response));
  if (expect.headers !== undefined) failures.push(...assertHeaders(expect.headers, response));
  if (expect.body !== undefined) failures.push(...assertBody(expect.body, response));
  if (expect.json !== undefined) failures.push(...assertJson(expect.json, response));
  if (expect.schema !== undefined) failures.push(...assertSchema(expect.schema, response));
  if (expect.max_ms !== undefined) failures.push(...assertMaxMs(expect.max_ms, response));
  if (expect.vars) failures.push(...assertVars(expect.vars, options.variables ?? new Map()));
  return failures;
}

function assertVars(
  spec: Record<string, Matcher>,
  variables: ReadonlyMap<string, unknown>,
): AssertionFailure[] {
  return Object.entries(spec).flatMap(([name, matcher]) =>
    assertMatcher(`var ${name}`, variables.get(name), matcher),
  );
}

/** One AssertionFailure per matcher operator that does not hold. */
export function assertMatcher(
  assertion: string,
  actual: unknown,
  matcher: Matcher,
  options?: MatchOptions,
): AssertionFailure[] {
  return matchValue(actual, matcher, options).map((f: MatcherFailure) => ({
    assertion,
    // Results are JSON: an integer beyond 2^53 is shown as its exact digits, in a string.
    expected: toResultValue(f.expected),
    actual: toResultValue(actual),
    message: `${assertion}: ${f.message}`,
  }));
}

function assertStatus(spec: NonNullable<StepExpect['status']>, res: ReceivedResponse): AssertionFailure[] {
  if (typeof spec === 'object' && !Array.isArray(spec)) return assertMatcher('status', res.status, spec);
  const allowed = Array.isArray(spec) ? spec : [spec];
  if (allowed.includes(res.status)) return [];
  const words = allowed.length === 1 ? `${allowed[0]}` : `one of ${allowed.join(', ')}`;
  return [
    {
      assertion: 'status',
      expected: spec,
      actual: res.status,
      message: `status: expected ${words}, got ${res.status}`,
    },
  ];
}

/** The status a step expects when it names none. */
export const IMPLICIT_STATUS = '2xx or 3xx';

function assertImplicitStatus(res: ReceivedResponse): AssertionFailure[] {
  if (res.status >= 200 && res.status < 400) return [];
  const klass = `${Math.floor(res.status / 100)}xx`;
  const hint = res.status >= 500 ? 'a server error' : 'a client error';
  return [
    {
      assertion: 'status',
      expected: IMPLICIT_STATUS,
      actual: res.status,
      message: `status: expected ${IMPLICIT_STATUS} (the step names no expect.status), got ${res.status} (${klass}, ${hint}); name the status in expect.status if it is intended`,
    },
  ];
}

function assertHeaders(spec: Record<string, Matcher>, res: ReceivedResponse): AssertionFailure[] {
  return Object.entries(spec).flatMap(([name, matcher]) => {
    // Header values are text: a literal 5 or true in the plan means "5" or "true".
    const textual = typeof matcher === 'number' || typeof matcher === 'boolean' ? String(matcher) : matcher;
    return assertMatcher(`header ${name.toLowerCase()}`, res.header(name), textual, { numericStrings: true });
  });
}

function assertBody(spec: NonNullable<StepExpect['body']>, res: ReceivedResponse): AssertionFailure[] {
  const text = res.text;
  const failures: AssertionFailure[] = [];
  const add = (assertion: string, expected: string, words: string): void => {
    failures.push({ assertion, expected, actual: excerpt(text), message: `${assertion}: ${words}` });
  };
  if (spec.contains !== undefined && !text.includes(spec.contains)) {
    add('body contains', spec.contains, `expected the body to contain ${describeValue(spec.contains)}`);
  }
  if (spec.not_contains !== undefined && text.includes(spec.not_contains)) {
    add(
      'body not_contains',
      spec.not_contains,
      `expected the body not to contain ${describeValue(spec.not_contains)}`,
    );
  }
  if (spec.match !== undefined) {
    const outcome = safeTest(spec.match, text);
    if (outcome !== true)
      add('body match', spec.match, outcome || `expected the body to match /${spec.match}/`);
  }
  return failures;
}

function assertJson(spec: Record<string, Matcher>, res: ReceivedResponse): AssertionFailure[] {
  const body = res.json();
  if (!body.ok) return [notJson('json', res, body.reason)];
  return Object.entries(spec).flatMap(([path, matcher]) => {
    const query = queryJsonPath(body.value, path);
    if (!query.ok)
      return [
        {
          assertion: `json ${path}`,
          expected: toResultValue(matcher),
          actual: undefined,
          message: query.reason,
        },
      ];
    return assertMatcher(`json ${path}`, query.value, matcher);
  });
}

function assertSchema(spec: Record<string, unknown> | 'openapi', res: ReceivedResponse): AssertionFailure[] {
  // `schema: openapi` needs the service's document, which is async: run-step checks it.
  if (spec === 'openapi') return [];
  const body = res.json();
  if (!body.ok) return [notJson('schema', res, body.reason)];
  const check = validateSchema(spec, body.value);
  if (!check.ok)
    return [
      { assertion: 'schema', expected: 'a valid JSON Schema', actual: undefined, message: check.reason },
    ];
  return check.violations.slice(0, MAX_SCHEMA_FAILURES).map((v) => {
    const assertion = `schema ${v.instancePath || '/'}`;
    const actual = toResultValue(valueAtPointer(body.value, v.instancePath));
    const message = `${assertion}: ${v.message} (${v.keyword}), got ${describeValue(actual)}`;
    return { assertion, expected: { keyword: v.keyword, params: v.params }, actual, message };
  });
}

function assertMaxMs(spec: number, res: ReceivedResponse): AssertionFailure[] {
  if (res.durationMs <= spec) return [];
  const message = `max_ms: expected at most ${formatMs(spec)}, took ${formatMs(res.durationMs)}`;
  return [{ assertion: 'max_ms', expected: spec, actual: res.durationMs, message }];
}

function notJson(assertion: string, res: ReceivedResponse, reason: string): AssertionFailure {
  return {
    assertion,
    expected: 'a JSON body',
    actual: excerpt(res.text),
    message: `${assertion}: ${reason}`,
  };
}

/** true when `source` matches, else a message: '' for no match, the reason for an invalid regex. */
function safeTest(source: string, text: string): true | string {
  try {
    return toRegExp(source).test(text) || '';
  } catch (error) {
    return `invalid regular expression /${source}/: ${error instanceof Error ? error.message : error}`;
  }
}

function excerpt(text: string): string {
  return text.length > NOT_JSON_EXCERPT ? `${text.slice(0, NOT_JSON_EXCERPT)}…` : text;
}
