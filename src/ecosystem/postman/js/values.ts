/**
 * What an expression of a Postman script denotes, read from its syntax tree without running
 * it: a part of the response (`pm.response.json().user.token`, `responseCode.code`,
 * `postman.getResponseHeader("X")`; not `responseHeaders["X"]`, whose lookup is case-sensitive
 * on the names as the server sent them), a variable (`pm.environment.get("x")`, `environment.x`),
 * a literal, a regular expression, or a condition bound to a local name
 * (`var ok = responseCode.code === 200`). Locals are followed (`var user = json.user || {}`).
 */
import type { Expression, Node } from 'acorn';
import type { VariableMap } from '../variables.js';
import type { Fact, Subject } from './facts.js';

/** A condition a script tests: each guard's facts hold (or, negated, do not). */
export interface Guard {
  facts: Fact[];
  negated: boolean;
}

/** What an expression stands for. */
export type Val =
  | { kind: 'subject'; subject: Subject }
  | { kind: 'literal'; value: unknown }
  | { kind: 'regex'; source: string; flags: string }
  | { kind: 'predicate'; guards: Guard[] }
  | { kind: 'response' };

/** What the reader knows while it walks a script. */
export interface Scope {
  /** Local names bound to what they denote; `undefined`: bound to something unknown. */
  locals: Map<string, Val | undefined>;
  vars: VariableMap;
  /** Postman variable names this script set before the current statement. */
  setEarlier: Set<string>;
  /** Legacy tests converted so far (`tests["X"]` read back as a condition). */
  tests: Map<string, Guard[]>;
  /** The request's raw body when it is fixed text (no `{{variable}}`): `pm.request.body.raw`. */
  requestRaw?: string | undefined;
}

const VARIABLE_SCOPES = new Set(['environment', 'globals', 'collectionVariables', 'variables']);

/** The value of an expression, or undefined when it is not one the reader understands. */
export function evaluate(node: Expression | Node, scope: Scope): Val | undefined {
  const n = node as Expression;
  switch (n.type) {
    case 'Literal':
      if (n.regex) return { kind: 'regex', source: n.regex.pattern, flags: n.regex.flags };
      return typeof n.value === 'bigint' ? undefined : { kind: 'literal', value: n.value };
    case 'TemplateLiteral':
      return n.expressions.length === 0
        ? { kind: 'literal', value: n.quasis[0]?.value.cooked ?? '' }
        : undefined;
    case 'Identifier':
      return identifier(n.name, scope);
    case 'ArrayExpression':
    case 'ObjectExpression':
      return literalStructure(n, scope);
    case 'UnaryExpression':
      return n.operator === '-' && n.argument.type === 'Literal' && typeof n.argument.value === 'number'
        ? { kind: 'literal', value: -n.argument.value }
        : undefined;
    case 'LogicalExpression':
      // `json.user || {}`: the fallback only keeps later reads from throwing.
      return n.operator === '||' && isEmptyFallback(n.right) ? evaluate(n.left, scope) : undefined;
    case 'MemberExpression':
      return member(n, scope);
    case 'CallExpression':
      return call(n, scope);
    default:
      return undefined;
  }
}

/** A JSONPath one step further: `.name`, `['odd-name']`, `[0]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/'/g, "\\'")}']`;
}

/** The literal key of a member expression (`a.b`, `a["b"]`, `a[0]`). */
export function memberKey(n: Extract<Expression, { type: 'MemberExpression' }>): string | number | undefined {
  const p = n.property;
  if (!n.computed && p.type === 'Identifier') return p.name;
  if (p.type === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number')) return p.value;
  return undefined;
}

/** `a.b.c` as ['a', 'b', 'c'], for recognising `pm.response.json` and friends. */
export function dottedName(node: Node): string | undefined {
  const n = node as Expression;
  if (n.type === 'Identifier') return n.name;
  if (n.type !== 'MemberExpression') return undefined;
  const head = dottedName(n.object);
  const key = memberKey(n);
  return head !== undefined && typeof key === 'string' ? `${head}.${key}` : undefined;
}

/** The literal string argument of a call, if it has one. */
export function stringArgument(node: Node | undefined): string | undefined {
  const n = node as Expression | undefined;
  if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n?.type === 'TemplateLiteral' && n.expressions.length === 0)
    return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function identifier(name: string, scope: Scope): Val | undefined {
  if (scope.locals.has(name)) return scope.locals.get(name);
  if (name === 'responseBody') return { kind: 'subject', subject: { kind: 'text' } };
  if (name === 'responseTime') return { kind: 'subject', subject: { kind: 'time' } };
  if (name === 'undefined') return { kind: 'literal', value: undefined };
  return undefined;
}

function member(n: Extract<Expression, { type: 'MemberExpression' }>, scope: Scope): Val | undefined {
  const dotted = dottedName(n);
  if (dotted === 'responseCode.code' || dotted === 'pm.response.code')
    return { kind: 'subject', subject: { kind: 'status' } };
  if (dotted === 'pm.response.responseTime') return { kind: 'subject', subject: { kind: 'time' } };
  if (dotted === 'pm.response') return { kind: 'response' };
  if (dotted === 'pm.request.body.raw')
    return scope.requestRaw === undefined ? undefined : { kind: 'literal', value: scope.requestRaw };
  const key = memberKey(n);
  const object = n.object.type === 'Super' ? undefined : n.object;
  // environment.x, globals["x"]: the legacy variable objects.
  if (
    object?.type === 'Identifier' &&
    ['environment', 'globals'].includes(object.name) &&
    !scope.locals.has(object.name)
  )
    return typeof key === 'string' ? variable(key, scope) : undefined;
  const base = object ? evaluate(object, scope) : undefined;
  if (key === undefined || !base) return undefined;
  if (base.kind === 'literal') return literalMember(base.value, key);
  if (base.kind !== 'subject') return undefined;
  if (base.subject.kind === 'json')
    return { kind: 'subject', subject: { kind: 'json', path: childPath(base.subject.path, key) } };
  return undefined;
}

function call(n: Extract<Expression, { type: 'CallExpression' }>, scope: Scope): Val | undefined {
  const callee = dottedName(n.callee);
  const arg = n.arguments[0];
  if (callee === 'pm.response.json' && n.arguments.length === 0) return json();
  if (callee === 'pm.response.text' && n.arguments.length === 0)
    return { kind: 'subject', subject: { kind: 'text' } };
  if (callee === 'JSON.parse' && arg && arg.type !== 'SpreadElement') {
    const inner = evaluate(arg, scope);
    if (inner?.kind === 'literal' && typeof inner.value === 'string') return parsedLiteral(inner.value);
    return inner?.kind === 'subject' && inner.subject.kind === 'text' ? json() : undefined;
  }
  if (callee === 'pm.response.headers.get' || callee === 'postman.getResponseHeader') {
    const name = stringArgument(arg);
    return name ? { kind: 'subject', subject: { kind: 'header', name } } : undefined;
  }
  if (callee === 'pm.cookies.get' || callee === 'postman.getResponseCookie') {
    const name = stringArgument(arg);
    return name ? { kind: 'subject', subject: { kind: 'cookie', name } } : undefined;
  }
  // parseInt / Number of a variable an earlier request captured from the JSON: the same value.
  if (
    (callee === 'parseInt' || callee === 'Number') &&
    arg &&
    arg.type !== 'SpreadElement' &&
    n.arguments.length <= 2
  ) {
    const inner = evaluate(arg, scope);
    const base = n.arguments[1];
    const decimal = base === undefined || (base.type === 'Literal' && base.value === 10);
    return inner?.kind === 'subject' &&
      inner.subject.kind === 'var' &&
      decimal &&
      scope.vars.fromJson.has(inner.subject.name)
      ? inner
      : undefined;
  }
  const getter = /^pm\.(\w+)\.get$/.exec(callee ?? '');
  if (
    (getter && VARIABLE_SCOPES.has(getter[1] as string)) ||
    callee === 'postman.getEnvironmentVariable' ||
    callee === 'postman.getGlobalVariable'
  ) {
    const name = stringArgument(arg);
    return name && n.arguments.length === 1 ? variable(name, scope) : undefined;
  }
  return undefined;
}

/** `JSON.parse` of a fixed text (the request's own body): its value, or undefined (it throws). */
function parsedLiteral(text: string): Val | undefined {
  try {
    return { kind: 'literal', value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** A key a JSON value has as its own data, never one of a prototype's (`length`, `constructor`). */
export function isDataKey(key: string | number): boolean {
  const name = String(key);
  return name !== '__proto__' && ![{}, [], '', 0, false].some((v) => name in Object(v));
}

/** `requestBody.name` of a literal object: the field's value; undefined for a missing one. */
function literalMember(value: unknown, key: string | number): Val | undefined {
  if (value === null || typeof value !== 'object' || !isDataKey(key)) return undefined;
  return Object.hasOwn(value, key)
    ? { kind: 'literal', value: (value as Record<string, unknown>)[key] }
    : undefined;
}

function json(): Val {
  return { kind: 'subject', subject: { kind: 'json', path: '$' } };
}

/** A variable read; a variable this script set earlier is not known before the response. */
function variable(postmanName: string, scope: Scope): Val | undefined {
  if (scope.setEarlier.has(postmanName)) return undefined;
  return { kind: 'subject', subject: { kind: 'var', name: postmanName } };
}

function isEmptyFallback(node: Expression): boolean {
  return (
    (node.type === 'ObjectExpression' && node.properties.length === 0) ||
    (node.type === 'ArrayExpression' && node.elements.length === 0)
  );
}

/** `[1, 2]` or `{ a: 1 }` of literals only. */
function literalStructure(n: Expression, scope: Scope): Val | undefined {
  if (n.type === 'ArrayExpression') {
    const items: unknown[] = [];
    for (const element of n.elements) {
      const v = element && element.type !== 'SpreadElement' ? evaluate(element, scope) : undefined;
      if (v?.kind !== 'literal') return undefined;
      items.push(v.value);
    }
    return { kind: 'literal', value: items };
  }
  if (n.type !== 'ObjectExpression') return undefined;
  const out: Record<string, unknown> = {};
  for (const property of n.properties) {
    if (property.type !== 'Property' || property.computed || property.kind !== 'init') return undefined;
    const key = property.key.type === 'Identifier' ? property.key.name : stringArgument(property.key);
    const v = evaluate(property.value as Expression, scope);
    if (key === undefined || v?.kind !== 'literal') return undefined;
    out[key] = v.value;
  }
  return { kind: 'literal', value: out };
}

/** A matcher operand: a literal, or a variable as a template (rendered when the step runs). */
export function operandOf(val: Val | undefined, scope: Scope): { ok: true; value: unknown } | { ok: false } {
  if (val?.kind === 'literal') return { ok: true, value: val.value };
  if (val?.kind === 'subject' && val.subject.kind === 'var')
    return { ok: true, value: scope.vars.rewrite(`{{${val.subject.name}}}`, '') };
  return { ok: false };
}
