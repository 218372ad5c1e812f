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

/** Where a JSONPath's syntax goes wrong: the 0-based character and what was expected there. */
export interface JsonPathSyntaxError {
  offset: number;
  expected: string;
}

// jsonpath-plus parses filters (`[?(@.price < 10)]`) and script expressions (`[(@.length-1)]`)
// with its safe evaluator's parser, the one a run uses. Its path splitter accepts any text
// (`$.id[` is read as `$.id`), so the brackets, quotes and dots around them are checked here.
const SafeScript = (JSONPath.prototype as unknown as { safeVm: { Script: new (code: string) => unknown } })
  .safeVm.Script;

/**
 * Check a JSONPath's syntax as captures and `json` assertions read it: `$` (or a bare first
 * name), then `.name`, `..name`, `.*`, `[0]`, `['name']`, `[*]`, `[0:2]`, `[?(filter)]` or
 * `[(script)]`. Returns null when it is well formed.
 */
export function checkJsonPathSyntax(path: string): JsonPathSyntaxError | null {
  if (path.trim() === '') return { offset: 0, expected: 'a JSONPath such as "$.id"' };
  let i = 0;
  if (path[0] === '$') i = 1;
  else {
    const end = nameEnd(path, 0);
    if (end === 0) return { offset: 0, expected: '"$" or a name' };
    i = end;
  }
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const descendant = path[i + 1] === '.';
      const start = i + (descendant ? 2 : 1);
      const end = nameEnd(path, start);
      if (end > start) i = end;
      else if (descendant && path[start] === '[') i = start;
      else return { offset: start, expected: `a name or * after "${descendant ? '..' : '.'}"` };
    } else if (c === '[') {
      const step = bracketEnd(path, i);
      if (typeof step !== 'number') return step;
      i = step;
    } else {
      return {
        offset: i,
        expected: c === ']' ? `no "]" without a "[" before it` : `"." or "[" before "${c}"`,
      };
    }
  }
  return null;
}

/** The end of a dot name (`items`, `*`, `length`, `a~`): up to the next `.`, `[` or `]`. */
function nameEnd(path: string, start: number): number {
  let i = start;
  while (i < path.length && !'.[]'.includes(path[i] as string)) i++;
  return i;
}

/** The index after the `]` that closes the bracket at `open`, or what is wrong inside it. */
function bracketEnd(path: string, open: number): number | JsonPathSyntaxError {
  let i = open + 1;
  const unclosed = (): JsonPathSyntaxError => ({
    offset: path.length,
    expected: `"]" to close the "[" at character ${open + 1}`,
  });
  if (path[i] === '?' || path[i] === '(') {
    const start = path[i] === '?' ? i + 1 : i;
    if (path[start] !== '(')
      return { offset: start, expected: '"(" after "?" (a filter: [?(@.price < 10)])' };
    const close = parenEnd(path, start);
    if (close === -1)
      return { offset: path.length, expected: `")" to close the "(" at character ${start + 1}` };
    const code = path.slice(start + 1, close);
    if (code.trim() === '') return { offset: start + 1, expected: 'an expression inside "( )"' };
    try {
      new SafeScript(code.replaceAll('@', '_$_v'));
    } catch (error) {
      // Its "at character N" counts in the rewritten code, not in the plan's text: left out.
      const reason = (error instanceof Error ? error.message : String(error))
        .replace(/ at character \d+/, '')
        .replaceAll('_$_v', '@');
      return { offset: start + 1, expected: `a valid expression (${reason})` };
    }
    i = close + 1;
    if (path[i] !== ']')
      return i >= path.length ? unclosed() : { offset: i, expected: '"]" after the expression' };
    return i + 1;
  }
  let empty = true;
  while (i < path.length && path[i] !== ']') {
    const c = path[i] as string;
    if (c === "'" || c === '"') {
      const end = quoteEnd(path, i);
      if (end === -1)
        return { offset: path.length, expected: `a closing ${c} for the name at character ${i + 1}` };
      i = end + 1;
    } else if (c === '[') {
      return { offset: i, expected: `"]" to close the "[" at character ${open + 1} before another "["` };
    } else i++;
    if (c.trim() !== '') empty = false;
  }
  if (i >= path.length) return unclosed();
  if (empty)
    return { offset: i, expected: "an index, a quoted name, * or a filter inside [ ] (e.g. [0], ['name'])" };
  return i + 1;
}

/** The index of the quote that closes the one at `open` (a backslash escapes), or -1. */
function quoteEnd(path: string, open: number): number {
  const quote = path[open];
  for (let i = open + 1; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === quote) return i;
  }
  return -1;
}

/** The index of the `)` that closes the `(` at `open`, quotes inside skipped, or -1. */
function parenEnd(path: string, open: number): number {
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (c === "'" || c === '"') {
      const end = quoteEnd(path, i);
      if (end === -1) return -1;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
