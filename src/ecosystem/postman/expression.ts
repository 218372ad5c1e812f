/**
 * The small pieces of JavaScript a Postman test script is made of, read without running
 * them: literal values, `pm.response.json()` accessors as JSONPaths, and Chai chains
 * (`to.be.above(0)`) as preflight matchers. What does not fit returns undefined.
 */
import type { VariableMap } from './variables.js';

/** A value read from script text, or why it could not be. */
export type ReadValue = { ok: true; value: unknown } | { ok: false };

const VARIABLE_GET =
  /^pm\.(?:environment|variables|collectionVariables|globals)\.get\(\s*(['"])([^'"]+)\1\s*\)$/;

/** A literal (number, string, boolean, null, JSON array/object) or a `pm.*.get('x')` variable. */
export function readValue(text: string, vars: VariableMap): ReadValue {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return { ok: true, value: Number(t) };
  if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
  if (t === 'null') return { ok: true, value: null };
  const quoted = /^(['"`])((?:\\.|(?!\1).)*)\1$/.exec(t);
  if (quoted) return { ok: true, value: (quoted[2] as string).replace(/\\(.)/g, '$1') };
  const variable = VARIABLE_GET.exec(t);
  if (variable) return { ok: true, value: vars.rewrite(`{{${variable[2]}}}`, '') };
  try {
    const parsed: unknown = JSON.parse(t.startsWith('[') && !t.includes('"') ? t.replace(/'/g, '"') : t);
    return { ok: true, value: parsed };
  } catch {
    return { ok: false };
  }
}

/** `jsonData.items[0].id` (with `jsonData` an alias of the body) -> `$.items[0].id`. */
export function accessorToJsonPath(text: string, aliases: Set<string>): string | undefined {
  const m =
    /^(pm\.response\.json\(\)|[A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[(['"])[^'"]+\3\])*)$/.exec(
      text.trim(),
    );
  if (!m) return undefined;
  if (m[1] !== 'pm.response.json()' && !aliases.has(m[1] as string)) return undefined;
  return `$${(m[2] as string).replace(/\["([^"]+)"\]/g, "['$1']")}`;
}

/** The argument text of a call starting at `open` (the index of `(`), and where it ends. */
export function callArguments(text: string, open: number): { inner: string; end: number } | undefined {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/** Split `a, b` at top-level commas. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** Chai words that only read well (`to.be.an`, `to.have`): dropped before the chain is read. */
const FILLER = new Set([
  'to',
  'be',
  'been',
  'is',
  'that',
  'which',
  'and',
  'has',
  'have',
  'with',
  'at',
  'of',
  'same',
  'does',
  'still',
  'deep',
]);

/** A Chai chain (`to.not.be.above`) and its arguments, as a preflight matcher. */
export type ChainMatcher = { ok: true; matcher: unknown; property?: string } | { ok: false; why: string };

/** Read `.to.be.above(3)`-style chains; `args` are the call's argument texts. */
export function chainToMatcher(chain: string[], args: string[] | undefined, vars: VariableMap): ChainMatcher {
  const words = chain.filter((w) => !FILLER.has(w));
  const negated = words[0] === 'not';
  const [word, ...rest] = negated ? words.slice(1) : words;
  if (!word || rest.length > 0)
    return { ok: false, why: `the assertion "${chain.join('.')}" is not one preflight knows` };
  const arg = args?.[0] !== undefined ? readValue(args[0], vars) : undefined;
  const need = (value: ReadValue | undefined): value is { ok: true; value: unknown } => value?.ok === true;
  const simple = (op: string): ChainMatcher =>
    need(arg)
      ? { ok: true, matcher: { [op]: arg.value } }
      : { ok: false, why: `the value of ${word}(...) is not a literal` };
  if (['eql', 'equal', 'equals', 'eq'].includes(word)) {
    if (!need(arg)) return { ok: false, why: `the value of ${word}(...) is not a literal or a variable` };
    return { ok: true, matcher: negated ? { ne: arg.value } : arg.value };
  }
  if (negated && word !== 'exist' && word !== 'undefined')
    return { ok: false, why: `"not.${word}" has no preflight matcher` };
  const operators: Record<string, string> = {
    above: 'gt',
    gt: 'gt',
    greaterThan: 'gt',
    below: 'lt',
    lt: 'lt',
    lessThan: 'lt',
    least: 'gte',
    gte: 'gte',
    most: 'lte',
    lte: 'lte',
    lengthOf: 'length',
    length: 'length',
    include: 'contains',
    includes: 'contains',
    contain: 'contains',
    contains: 'contains',
    oneOf: 'in',
  };
  if (operators[word]) return simple(operators[word] as string);
  if (word === 'exist') return { ok: true, matcher: { exists: !negated } };
  if (word === 'undefined') return { ok: true, matcher: { exists: negated } };
  if (word === 'true' || word === 'false' || word === 'null') return { ok: true, matcher: JSON.parse(word) };
  if (word === 'a' || word === 'an') return typeMatcher(arg);
  if (word === 'match') return regexMatcher(args?.[0] ?? '');
  if (word === 'property' && need(arg) && typeof arg.value === 'string') {
    const second = args?.[1] !== undefined ? readValue(args[1], vars) : undefined;
    if (args?.[1] !== undefined && !need(second))
      return { ok: false, why: 'the property value is not a literal' };
    return { ok: true, property: arg.value, matcher: need(second) ? second.value : { exists: true } };
  }
  return { ok: false, why: `the assertion "${chain.join('.')}" is not one preflight knows` };
}

function typeMatcher(arg: ReadValue | undefined): ChainMatcher {
  const type = arg?.ok ? String(arg.value).toLowerCase() : '';
  if (['string', 'boolean', 'array', 'object', 'null'].includes(type)) return { ok: true, matcher: { type } };
  if (type === 'number') {
    return {
      ok: false,
      why: 'a("number") holds for whole numbers too; preflight\'s type: number does not: write gte/lte',
    };
  }
  return { ok: false, why: `the type "${type}" has no preflight matcher` };
}

function regexMatcher(text: string): ChainMatcher {
  const m = /^\/(.+)\/([a-z]*)$/.exec(text.trim());
  if (!m) return { ok: false, why: 'match(...) without a regular expression literal' };
  if (m[2]) return { ok: false, why: `the regular expression flags /${m[2]} have no preflight equivalent` };
  return { ok: true, matcher: { match: m[1] } };
}
