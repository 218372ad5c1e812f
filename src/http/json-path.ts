/**
 * JSONPath queries into a response body, as captures and `json` assertions use them.
 */
import { JSONPath } from 'jsonpath-plus';

// One engine, reused: called as a function, jsonpath-plus builds an engine per query and
// returns a scalar by throwing (and catching) an Error, which costs more than the query.
// Parsed paths are cached by jsonpath-plus itself (JSONPath.cache), keyed by their text.
const engine = JSONPath({ path: '$', json: {}, wrap: false, autostart: false });

/** A query's value, or why the query itself is wrong. */
export type JsonPathResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** Evaluate a JSONPath; a path that matches nothing gives `undefined`. */
export function queryJsonPath(json: unknown, path: string): JsonPathResult {
  if (json === null || typeof json !== 'object') {
    return { ok: true, value: path === '$' ? json : undefined };
  }
  try {
    // jsonpath-plus types `json` as a JSON value; a parsed body is one.
    const value: unknown = engine.evaluate(path, json as object, undefined, undefined);
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      reason: `invalid JSONPath ${path}: ${error instanceof Error ? error.message : error}`,
    };
  }
}
