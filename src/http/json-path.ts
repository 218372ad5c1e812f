/**
 * JSONPath queries into a response body, as captures and `json` assertions use them.
 */
import { JSONPath } from 'jsonpath-plus';

/** A query's value, or why the query itself is wrong. */
export type JsonPathResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** Evaluate a JSONPath; a path that matches nothing gives `undefined`. */
export function queryJsonPath(json: unknown, path: string): JsonPathResult {
  if (json === null || typeof json !== 'object') {
    return { ok: true, value: path === '$' ? json : undefined };
  }
  try {
    // jsonpath-plus types `json` as a JSON value; a parsed body is one.
    const value: unknown = JSONPath({ path, json: json as object, wrap: false });
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      reason: `invalid JSONPath ${path}: ${error instanceof Error ? error.message : error}`,
    };
  }
}
