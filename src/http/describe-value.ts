/**
 * How values are shown inside assertion and capture messages: short, JSON-like,
 * and `nothing` for a value that is absent.
 */

import { stringifyJson } from '../json/lossless.js';

const MAX_SHOWN = 120;

/** A short, readable rendering of a value for a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = stringifyJson(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
