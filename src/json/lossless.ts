/**
 * JSON with exact integers: a response's integer beyond 2^53 (an id, a snowflake) is a
 * BigInt, not the nearest double, so a matcher compares the value the service sent and a
 * captured id names the record it named. Other numbers are JS numbers, as JSON.parse gives.
 *
 * Node 20's JSON.parse gives a reviver no source text, so lossless-json parses the (rare)
 * bodies that have a run of 16 or more digits; every other body goes through JSON.parse.
 */
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

/** 16 digits: the fewest an integer beyond 2^53 (9007199254740992) has. */
const LONG_DIGITS = /\d{16}/;

function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text) || !isInteger(text)) return Number.parseFloat(text);
  return BigInt(text);
}

/** JSON.parse, with integers beyond Number.MAX_SAFE_INTEGER as BigInt. Throws SyntaxError. */
export function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  try {
    return parse(text, null, parseNumber);
  } catch (error) {
    // lossless-json refuses duplicate keys, which JSON.parse (and RFC 8259) allow.
    if (error instanceof SyntaxError && /Duplicate key/.test(error.message)) return JSON.parse(text);
    throw error;
  }
}

/** JSON.stringify that writes a BigInt as the exact number it is. */
export function stringifyJson(value: unknown): string | undefined {
  if (!containsBigInt(value)) return JSON.stringify(value);
  return stringify(value) ?? undefined;
}

/** Whether a JSON-like value holds a BigInt anywhere. */
export function containsBigInt(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsBigInt);
  return Object.values(value).some(containsBigInt);
}

/**
 * A copy safe for results (they are written with JSON.stringify everywhere): each BigInt
 * becomes its decimal text. Values without one are returned as they are.
 */
export function toResultValue<T>(value: T): T {
  if (!containsBigInt(value)) return value;
  return convert(value) as T;
}

function convert(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(convert);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = convert(v);
  return out;
}
