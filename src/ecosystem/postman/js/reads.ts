/**
 * What must hold for an expression of a test not to throw. A test fails when its function
 * throws, whatever it returns: `const {data} = pm.response.json()` needs a JSON body that is
 * not null, `data.jwt.accessToken` needs `data` and `data.jwt` to be neither null nor missing,
 * and `'accessToken' in data.jwt` needs `data.jwt` to be an object or an array. Those are read
 * facts; the ones the test's own assertions already imply are left out of the plan.
 */
import type { Expression, Node } from 'acorn';
import type { Fact } from './facts.js';
import { dottedName, evaluate, isDataKey, memberKey, type Scope, stringArgument } from './values.js';

/** The reads of an expression: JSON paths that must be there (not null), and ones that must be an object or an array. */
export interface Reads {
  /** `$` (the body parses) or `$.a` (not null either) that must be there. */
  present: { path: string; notNull: boolean }[];
  /** JSON paths that must be an object or an array (`"k" in value`). */
  containers: string[];
}

/** Reads, or why preflight cannot tell whether the expression throws. */
export type ReadCheck = { ok: true; reads: Reads } | { ok: false; why: string };

const none = (): Reads => ({ present: [], containers: [] });
const fail = (why: string): ReadCheck => ({ ok: false, why });

/** What must hold for evaluating `node` not to throw. */
export function readsOf(node: Node, scope: Scope): ReadCheck {
  const n = node as Expression;
  switch (n.type) {
    case 'Literal':
      return { ok: true, reads: none() };
    case 'Identifier':
      return scope.locals.has(n.name) || n.name === 'undefined'
        ? { ok: true, reads: none() }
        : fail(`the name ${n.name} (not declared in the script)`);
    case 'TemplateLiteral':
    case 'ArrayExpression':
      return all((n.type === 'TemplateLiteral' ? n.expressions : n.elements) as (Node | null)[], scope);
    case 'MemberExpression':
      return memberReads(n, scope);
    case 'CallExpression':
      return callReads(n, scope);
    case 'BinaryExpression':
      return binaryReads(n, scope);
    default:
      return fail(`a ${n.type.replace(/Expression$/, '').toLowerCase()} expression`);
  }
}

/** The reads of a destructuring (`const {data} = value`): the value's, and the value must not be null. */
export function destructuringReads(init: Expression, scope: Scope): ReadCheck {
  const inner = readsOf(init, scope);
  if (!inner.ok) return inner;
  const base = evaluate(init, scope);
  if (base?.kind === 'subject' && base.subject.kind === 'json') {
    inner.reads.present.push({ path: base.subject.path, notNull: true });
    return inner;
  }
  if (base?.kind === 'literal' && base.value !== null && base.value !== undefined) return inner;
  return fail('a destructuring of a value preflight cannot follow');
}

function all(nodes: (Node | null)[], scope: Scope): ReadCheck {
  const out = none();
  for (const node of nodes) {
    if (node === null || node.type === 'SpreadElement') return fail('a spread');
    const r = readsOf(node, scope);
    if (!r.ok) return r;
    out.present.push(...r.reads.present);
    out.containers.push(...r.reads.containers);
  }
  return { ok: true, reads: out };
}

const SAFE_MEMBERS = new Set(['pm.response.code', 'pm.response.responseTime', 'responseCode.code']);

function memberReads(n: Extract<Expression, { type: 'MemberExpression' }>, scope: Scope): ReadCheck {
  const dotted = dottedName(n);
  if (dotted !== undefined && SAFE_MEMBERS.has(dotted)) return { ok: true, reads: none() };
  if (dotted === 'pm.request.body.raw' && evaluate(n, scope)) return { ok: true, reads: none() };
  const key = memberKey(n);
  if (n.optional || n.object.type === 'Super' || key === undefined) return fail('a computed property read');
  const inner = readsOf(n.object, scope);
  if (!inner.ok) return inner;
  const base = evaluate(n.object, scope);
  if (base?.kind === 'subject' && base.subject.kind === 'json') {
    if (!isDataKey(key)) return fail(`the property "${key}", which strings or arrays also have`);
    inner.reads.present.push({ path: base.subject.path, notNull: true });
    return inner;
  }
  if (base?.kind === 'literal' && base.value !== null && base.value !== undefined) return inner;
  return fail('a property read of a value preflight cannot follow');
}

const VARIABLE_GETTER = /^pm\.(environment|globals|collectionVariables|variables)\.get$/;
const NEVER_THROW = new Set([
  'pm.response.text',
  'pm.response.headers.get',
  'pm.cookies.get',
  'postman.getResponseHeader',
  'postman.getResponseCookie',
]);

function callReads(n: Extract<Expression, { type: 'CallExpression' }>, scope: Scope): ReadCheck {
  const name = dottedName(n.callee) ?? '';
  const literalArgs = n.arguments.every((a) => a.type === 'Literal');
  if ((VARIABLE_GETTER.test(name) || NEVER_THROW.has(name)) && literalArgs)
    return { ok: true, reads: none() };
  const parsesBody =
    (name === 'pm.response.json' && n.arguments.length === 0) ||
    (name === 'JSON.parse' && evaluate(n, scope)?.kind === 'subject');
  if (parsesBody) return { ok: true, reads: { present: [{ path: '$', notNull: false }], containers: [] } };
  // JSON.parse of a fixed text that parses (the request's own body).
  if (name === 'JSON.parse' && evaluate(n, scope)?.kind === 'literal') return all(n.arguments, scope);
  return fail(`${name || 'a call'}(...)`);
}

function binaryReads(n: Extract<Expression, { type: 'BinaryExpression' }>, scope: Scope): ReadCheck {
  if (n.left.type === 'PrivateIdentifier') return fail('a private name');
  if (n.operator === '===' || n.operator === '!==') return all([n.left, n.right], scope);
  if (n.operator !== 'in' || stringArgument(n.left) === undefined) return fail(`the operator ${n.operator}`);
  const inner = readsOf(n.right, scope);
  if (!inner.ok) return inner;
  const target = evaluate(n.right, scope);
  if (target?.kind === 'subject' && target.subject.kind === 'json') {
    inner.reads.containers.push(target.subject.path);
    return inner;
  }
  if (target?.kind === 'literal' && target.value !== null && typeof target.value === 'object') return inner;
  return fail('an `in` test of a value preflight cannot follow');
}

/** `b` is `a` or a path below it. */
function within(a: string, b: string): boolean {
  return b === a || (b.startsWith(a) && (b[a.length] === '.' || b[a.length] === '['));
}

const EXISTENCE = ['eq', 'type', 'match', 'contains', 'length', 'in', 'gt', 'gte', 'lt', 'lte', 'empty'];

/** Whether a fact on a JSON path holds only when there is a value there (not null, with `notNull`). */
function impliesValue(op: Record<string, unknown>, notNull: boolean): boolean {
  if (op.truthy === true || (op.exists === true && (!notNull || op.ne === null))) return true;
  if (!notNull) return EXISTENCE.some((k) => k in op);
  if (op.eq === null || op.type === 'null' || (Array.isArray(op.in) && op.in.includes(null))) return false;
  return ['eq', 'type', 'contains', 'length', 'in', 'gt', 'gte', 'lt', 'lte', 'empty'].some((k) => k in op);
}

/** Whether `facts` (and a capture at `captured`, when it finds a value) imply a read. */
function implied(read: { path: string; notNull: boolean }, facts: Fact[], reads: Reads, captured?: string) {
  const below = (p: string): boolean => p !== read.path && within(read.path, p);
  if (reads.containers.some((c) => within(read.path, c))) return true;
  if (captured !== undefined && below(captured)) return true;
  if (reads.present.some((r) => below(r.path) || (r.path === read.path && r.notNull && !read.notNull)))
    return true;
  return facts.some((f) => {
    if (f.subject.kind === 'schema') return read.path === '$' && !read.notNull;
    if (f.subject.kind !== 'json' || !within(read.path, f.subject.path)) return false;
    return impliesValue(f.op, f.subject.path === read.path ? read.notNull : false);
  });
}

/**
 * The facts a test asserts with its reads: `facts`, the reads they do not imply, and one
 * JSON Schema for the values that must be objects or arrays. `captured`: the facts are the
 * conditions of a capture of that path (which finds nothing where a read would throw).
 */
export function withReads(facts: Fact[], reads: Reads, captured?: string): Fact[] | string {
  const out = [...facts];
  const seen = new Set<string>();
  for (const read of reads.present) {
    const key = `${read.path} ${read.notNull}`;
    if (seen.has(key) || implied(read, facts, reads, captured)) continue;
    seen.add(key);
    out.push({
      subject: { kind: 'json', path: read.path },
      op: read.notNull ? { exists: true, ne: null } : { exists: true },
    });
  }
  if (reads.containers.length === 0) return out;
  const schema = containerSchema(reads.containers);
  if (typeof schema === 'string') return schema;
  out.push({ subject: { kind: 'schema' }, op: { schema } });
  return out;
}

type SchemaNode =
  | { type: 'object'; required: string[]; properties: Record<string, SchemaNode> }
  | { type: string[] };

/** `$.a.b` must be an object or an array: `{type: object, required: [a], properties: {a: ...}}`. */
function containerSchema(paths: string[]): Record<string, unknown> | string {
  let root: SchemaNode = { type: ['object', 'array'] };
  for (const path of paths) {
    const keys = pathKeys(path);
    if (keys === undefined) return `the path ${path} (only names are followed into a JSON Schema)`;
    root = place(root, keys);
  }
  return root as unknown as Record<string, unknown>;
}

function place(node: SchemaNode, keys: string[]): SchemaNode {
  const [key, ...rest] = keys;
  if (key === undefined) return node;
  const object: SchemaNode = 'properties' in node ? node : { type: 'object', required: [], properties: {} };
  const child = object.properties[key] ?? { type: ['object', 'array'] };
  object.properties[key] = place(child, rest);
  if (!object.required.includes(key)) object.required.push(key);
  return object;
}

/** `$.a['b c']` as ['a', 'b c']; undefined for indexes, wildcards and filters. */
function pathKeys(path: string): string[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: string[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\['((?:[^'\\]|\\.)*)'\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    keys.push(m[1] ?? (m[2] as string).replace(/\\(.)/g, '$1'));
  }
  return keys;
}
