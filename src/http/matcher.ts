/**
 * Matchers: a literal (deep equality) or an object of operators that must all hold.
 * `matchValue` returns one failure per operator that does not hold, never throws.
 * Integers beyond 2^53 arrive as BigInt (from the response and from the plan) and compare
 * exactly, with each other and with numbers.
 */
import { isDeepStrictEqual } from 'node:util';
import { stringifyJson } from '../json/lossless.js';
import type { Matcher } from '../plan/schema.js';
import { describeValue } from './describe-value.js';

/** One matcher operator that did not hold. */
export interface MatcherFailure {
  /** The operator and its operand, e.g. `{ gt: 0 }`, or the literal for a literal matcher. */
  expected: unknown;
  /** E.g. `expected > 0, got 0`. */
  message: string;
}

/** How to compare; headers are text, so they compare numbers given as text. */
export interface MatchOptions {
  /** Accept numeric strings for gt/gte/lt/lte (header values are always text). */
  numericStrings?: boolean;
}

type Operators = Exclude<Matcher, string | number | bigint | boolean | null>;
type OperatorName = keyof Operators;

interface Operator {
  holds: (actual: unknown, operand: never, options: MatchOptions) => boolean;
  /** The expectation in words, after "expected". */
  words: (operand: never) => string;
  /** The actual value in words, after "got"; defaults to describeValue. */
  got?: (actual: unknown) => string;
}

const OPERATORS: Record<OperatorName, Operator> = {
  eq: { holds: (a, e: unknown) => valuesEqual(a, e), words: (e: unknown) => describeValue(e) },
  ne: {
    holds: (a, e: unknown) => !valuesEqual(a, e),
    words: (e: unknown) => `not ${describeValue(e)}`,
  },
  gt: numeric('>', (a, e) => a > e),
  gte: numeric('>=', (a, e) => a >= e),
  lt: numeric('<', (a, e) => a < e),
  lte: numeric('<=', (a, e) => a <= e),
  type: {
    holds: (a, e: string) => typeOf(a) === e || (e === 'number' && typeOf(a) === 'integer'),
    words: (e: string) => `type ${e}`,
    got: describeType,
  },
  match: {
    holds: (a, e: string) => a !== undefined && toRegExp(e).test(asText(a)),
    words: (e) => `to match /${e}/`,
  },
  contains: { holds: containsHolds, words: (e: unknown) => `to contain ${describeValue(e)}` },
  exists: {
    holds: (a, e: boolean) => (a !== undefined) === e,
    words: (e: boolean) => (e ? 'to exist' : 'not to exist'),
  },
  length: {
    holds: (a, e: number) => lengthOf(a) === e,
    words: (e: number) => `length ${e}`,
    got: describeLength,
  },
  in: {
    holds: (a, e: unknown[]) => e.some((x) => valuesEqual(a, x)),
    words: (e: unknown[]) => `one of ${describeValue(e)}`,
  },
  truthy: {
    holds: (a, e: boolean) => Boolean(a) === e,
    words: (e: boolean) => (e ? 'a truthy value' : 'a falsy value (false, 0, "", null or nothing)'),
  },
  empty: {
    holds: (a, e: boolean) => {
      const size = sizeOf(a);
      return size !== undefined && (size === 0) === e;
    },
    words: (e: boolean) => (e ? 'an empty string, array or object' : 'a non-empty string, array or object'),
  },
};

/** The size of a string, array or object (as Chai's `empty` reads it); undefined for anything else. */
function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

/** Check `actual` against a matcher; returns the operators that did not hold (empty: it matches). */
export function matchValue(actual: unknown, matcher: Matcher, options: MatchOptions = {}): MatcherFailure[] {
  if (matcher === null || typeof matcher !== 'object') {
    if (valuesEqual(actual, matcher)) return [];
    return [
      { expected: matcher, message: `expected ${describeValue(matcher)}, got ${describeValue(actual)}` },
    ];
  }
  const failures: MatcherFailure[] = [];
  for (const [name, operand] of Object.entries(matcher) as [OperatorName, unknown][]) {
    // An operator left out of the plan is absent or undefined; YAML cannot spell undefined.
    if (operand === undefined) continue;
    const failure = checkOperator(name, operand, actual, options);
    if (failure) failures.push(failure);
  }
  return failures;
}

function checkOperator(
  name: OperatorName,
  operand: unknown,
  actual: unknown,
  options: MatchOptions,
): MatcherFailure | undefined {
  const op = OPERATORS[name];
  const expected = { [name]: operand };
  try {
    if (op.holds(actual, operand as never, options)) return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { expected, message: `invalid matcher ${name}: ${reason}` };
  }
  const got = (op.got ?? describeValue)(actual);
  return { expected, message: `expected ${op.words(operand as never)}, got ${got}` };
}

type Num = number | bigint;

function numeric(symbol: string, compare: (actual: Num, operand: Num) => boolean): Operator {
  return {
    holds: (a, e: Num, options) => {
      const n = toNumber(a, options);
      return n !== undefined && compare(n, e);
    },
    words: (e: Num) => `${symbol} ${e}`,
  };
}

function toNumber(value: unknown, options: MatchOptions): Num | undefined {
  if (typeof value === 'number' && !Number.isNaN(value)) return value;
  if (typeof value === 'bigint') return value;
  if (options.numericStrings && typeof value === 'string' && value.trim() !== '') {
    const text = value.trim();
    if (/^-?\d{16,}$/.test(text) && !Number.isSafeInteger(Number(text))) return BigInt(text);
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** The JSON type of a value, with `integer` for whole numbers. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  return typeof value;
}

function describeType(actual: unknown): string {
  return actual === undefined ? 'nothing' : `${typeOf(actual)} ${describeValue(actual)}`;
}

function lengthOf(value: unknown): number | undefined {
  return typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
}

function describeLength(actual: unknown): string {
  const n = lengthOf(actual);
  return n === undefined ? `${describeValue(actual)} (no length)` : `length ${n} (${describeValue(actual)})`;
}

function containsHolds(actual: unknown, operand: unknown): boolean {
  if (typeof actual === 'string')
    return actual.includes(typeof operand === 'string' ? operand : String(operand));
  if (Array.isArray(actual)) return actual.some((item) => valuesEqual(item, operand));
  return false;
}

function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? (stringifyJson(value) ?? '') : String(value);
}

/** Deep equality where a BigInt equals the number (or BigInt) of the same value. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const exact = (v: unknown): bigint | null =>
      typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : null;
    const [x, y] = [exact(a), exact(b)];
    return x !== null && x === y;
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && valuesEqual(a[k], b[k]))
    );
  }
  return isDeepStrictEqual(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const regexCache = new Map<string, RegExp>();

/** Compile (once) a regular expression from the plan; throws on invalid syntax. */
export function toRegExp(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source);
    regexCache.set(source, re);
  }
  return re;
}
