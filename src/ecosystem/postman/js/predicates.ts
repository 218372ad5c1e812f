/**
 * JavaScript conditions as facts: `responseCode.code === 200`, `user.hasOwnProperty("email")`,
 * `Array.isArray(x)`, `Number.isInteger(x)`, `/re/.test(x)`, `responseBody.has("x")`,
 * `typeof x === "string"`, `a && b`, `!a`, `a === 1 || a === 2`, and the truthiness of a
 * value. A condition is a list of guards (each: facts that hold, or do not).
 */
import type { Expression } from 'acorn';
import { type Fact, negate } from './facts.js';
import {
  childPath,
  dottedName,
  evaluate,
  type Guard,
  operandOf,
  type Scope,
  stringArgument,
  type Val,
} from './values.js';

/** A condition as guards, or why it is not one. */
export type Condition = { ok: true; guards: Guard[] } | { ok: false; why: string };

const fail = (why: string): Condition => ({ ok: false, why });
const holds = (...facts: Fact[]): Condition => ({ ok: true, guards: [{ facts, negated: false }] });

/** Read a condition (an `if` test, a `tests[...]` value). */
export function readCondition(node: Expression, scope: Scope): Condition {
  switch (node.type) {
    case 'LogicalExpression':
      return node.operator === '&&'
        ? both(node.left, node.right, scope)
        : node.operator === '||'
          ? either(node.left, node.right, scope)
          : fail('a ?? condition');
    case 'UnaryExpression':
      return node.operator === '!' ? not(node.argument, scope) : fail(`the operator ${node.operator}`);
    case 'BinaryExpression':
      return compare(node, scope);
    case 'CallExpression':
      return callCondition(node, scope);
    case 'MemberExpression':
      if (isTestsRead(node)) return testResult(node, scope);
      return truthy(evaluate(node, scope));
    default:
      return truthy(evaluate(node, scope));
  }
}

/** A condition that is plain facts (one guard that holds), or undefined. */
export function factsOf(condition: Condition): Fact[] | undefined {
  if (!condition.ok || condition.guards.length !== 1) return undefined;
  const [guard] = condition.guards as [Guard];
  return guard.negated ? undefined : guard.facts;
}

function both(left: Expression, right: Expression, scope: Scope): Condition {
  const a = readCondition(left, scope);
  const b = readCondition(right, scope);
  if (!a.ok) return a;
  if (!b.ok) return b;
  const fa = factsOf(a);
  const fb = factsOf(b);
  if (fa && fb) return holds(...fa, ...fb);
  return { ok: true, guards: [...a.guards, ...b.guards] };
}

/** `a === 1 || a === 2` (one subject, equal to one of the values) is the one disjunction. */
function either(left: Expression, right: Expression, scope: Scope): Condition {
  const a = factsOf(readCondition(left, scope));
  const b = factsOf(readCondition(right, scope));
  const values = [...(a ?? []), ...(b ?? [])];
  const subject = values[0]?.subject;
  if (!a || !b || a.length !== 1 || b.length !== 1 || !subject) return fail('a condition with ||');
  const same = values.every(
    (f) => JSON.stringify(f.subject) === JSON.stringify(subject) && ('eq' in f.op || 'in' in f.op),
  );
  if (!same) return fail('a condition with ||');
  const list = values.flatMap((f) => ('eq' in f.op ? [f.op.eq] : (f.op.in as unknown[])));
  return holds({ subject, op: { in: list } });
}

function not(argument: Expression, scope: Scope): Condition {
  const inner = readCondition(argument, scope);
  if (!inner.ok) return inner;
  const facts = factsOf(inner);
  if (facts?.length === 1) {
    const flipped = negate(facts[0] as Fact);
    if (flipped) return holds(flipped);
  }
  if (inner.guards.length === 1)
    return { ok: true, guards: [{ ...(inner.guards[0] as Guard), negated: !inner.guards[0]?.negated }] };
  return fail('the negation of a compound condition');
}

const OPERATORS: Record<string, string> = { '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };

function compare(node: Extract<Expression, { type: 'BinaryExpression' }>, scope: Scope): Condition {
  if (node.left.type === 'PrivateIdentifier') return fail('a private name');
  if (node.operator === 'in') {
    const key = stringArgument(node.left);
    const target = evaluate(node.right, scope);
    return key !== undefined && isJson(target)
      ? holds(jsonFact(childPath(target.subject.path, key), { exists: true }))
      : fail('an `in` test');
  }
  const typeofSide = typeofOf(node.left, node.right, scope);
  if (typeofSide) return typeofSide;
  const leftVal = evaluate(node.left, scope);
  const rightVal = evaluate(node.right, scope);
  const flipped = leftVal?.kind !== 'subject' && rightVal?.kind === 'subject';
  const subjectVal = flipped ? rightVal : leftVal;
  const other = flipped ? leftVal : rightVal;
  if (subjectVal?.kind !== 'subject')
    return indexOfTest(node, scope) ?? fail('a comparison of two computed values');
  const operand = operandOf(other, scope);
  if (!operand.ok) return indexOfTest(node, scope) ?? fail('a comparison with a computed value');
  const subject = subjectVal.subject;
  const op = node.operator;
  if (op === '===' || op === '==' || op === '!==' || op === '!=') {
    if (op.length === 2 && operand.value === null) return fail('a loose comparison with null');
    if (operand.value === undefined) return holds({ subject, op: { exists: op.startsWith('!') } });
    return holds({ subject, op: op.startsWith('!') ? { ne: operand.value } : { eq: operand.value } });
  }
  const name = OPERATORS[op];
  if (!name || typeof operand.value !== 'number') return fail(`the operator ${op}`);
  // `5 < x` is `x > 5`.
  const mirrored: Record<string, string> = { lt: 'gt', lte: 'gte', gt: 'lt', gte: 'lte' };
  return holds({ subject, op: { [flipped ? (mirrored[name] as string) : name]: operand.value } });
}

/** `typeof x === "string"` (either side). */
function typeofOf(left: Expression, right: Expression, scope: Scope): Condition | undefined {
  const [t, lit] =
    left.type === 'UnaryExpression' && left.operator === 'typeof'
      ? [left, right]
      : right.type === 'UnaryExpression' && right.operator === 'typeof'
        ? [right, left]
        : [];
  if (!t || !lit || t.type !== 'UnaryExpression') return undefined;
  const type = stringArgument(lit);
  const target = evaluate(t.argument, scope);
  if (target?.kind !== 'subject' || type === undefined) return fail('a typeof test');
  if (type === 'undefined') return holds({ subject: target.subject, op: { exists: false } });
  if (!['string', 'number', 'boolean'].includes(type)) return fail(`typeof ... === "${type}"`);
  return holds({ subject: target.subject, op: { type } });
}

/** `x.indexOf("a") !== -1`, `> -1`, `>= 0`: x contains "a". */
function indexOfTest(
  node: Extract<Expression, { type: 'BinaryExpression' }>,
  scope: Scope,
): Condition | undefined {
  const left = node.left;
  if (left.type !== 'CallExpression' || left.callee.type !== 'MemberExpression') return undefined;
  if (dottedName(left.callee.property) !== 'indexOf') return undefined;
  const bound = evaluate(node.right, scope);
  const n = bound?.kind === 'literal' ? bound.value : undefined;
  const found = (node.operator === '!==' || node.operator === '!=' || node.operator === '>') && n === -1;
  const foundAtLeast = node.operator === '>=' && n === 0;
  if (!found && !foundAtLeast) return undefined;
  return containsOf(left.callee.object as Expression, left.arguments[0] as Expression | undefined, scope);
}

function callCondition(node: Extract<Expression, { type: 'CallExpression' }>, scope: Scope): Condition {
  const callee = node.callee;
  const args = node.arguments.filter((a): a is Expression => a.type !== 'SpreadElement');
  const name = dottedName(callee);
  const first = args[0];
  if (name === 'Array.isArray' && first) return typed(first, 'array', scope);
  if (name === 'Number.isInteger' && first) return typed(first, 'integer', scope);
  if (callee.type !== 'MemberExpression') return truthy(evaluate(node, scope));
  const method =
    dottedName(callee.property) ?? (callee.property.type === 'Literal' ? String(callee.property.value) : '');
  const object = callee.object as Expression;
  if (method === 'hasOwnProperty') {
    const key = stringArgument(first);
    const target = evaluate(object, scope);
    return key !== undefined && isJson(target)
      ? holds(jsonFact(childPath(target.subject.path, key), { exists: true }))
      : fail('hasOwnProperty of a value that is not in the response JSON');
  }
  if (method === 'test' && first) return regexTest(evaluate(object, scope), first, scope);
  if ((method === 'has' || method === 'includes') && first) return containsOf(object, first, scope);
  if (method === 'match' && first) return regexTest(evaluate(first, scope), object, scope);
  if ((method === 'startsWith' || method === 'endsWith') && first) {
    const text = stringArgument(first);
    const target = evaluate(object, scope);
    if (text === undefined || target?.kind !== 'subject') return fail(`${method} of a computed value`);
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return holds({
      subject: target.subject,
      op: { match: method === 'startsWith' ? `^${escaped}` : `${escaped}$` },
    });
  }
  if (name === 'pm.response.headers.has') {
    const header = stringArgument(first);
    return header
      ? holds({ subject: { kind: 'header', name: header }, op: { exists: true } })
      : fail('a header name that is not a literal');
  }
  return truthy(evaluate(node, scope));
}

function containsOf(object: Expression, needle: Expression | undefined, scope: Scope): Condition {
  const target = evaluate(object, scope);
  const value = needle ? operandOf(evaluate(needle, scope), scope) : { ok: false as const };
  if (target?.kind !== 'subject' || !value.ok) return fail('a contains test of a computed value');
  return holds({ subject: target.subject, op: { contains: value.value } });
}

function regexTest(re: Val | undefined, target: Expression, scope: Scope): Condition {
  const subject = evaluate(target, scope);
  if (re?.kind !== 'regex' || subject?.kind !== 'subject')
    return fail('a regular expression test of a computed value');
  if (re.flags.replace(/g/g, '') !== '') return fail(`the regular expression flags /${re.flags}`);
  return holds({ subject: subject.subject, op: { match: re.source } });
}

function typed(node: Expression, type: string, scope: Scope): Condition {
  const target = evaluate(node, scope);
  return target?.kind === 'subject'
    ? holds({ subject: target.subject, op: { type } })
    : fail('a type test of a computed value');
}

/** A value used as a condition: a bound condition, or the value's truthiness. */
function truthy(val: Val | undefined): Condition {
  if (val?.kind === 'predicate') return { ok: true, guards: val.guards };
  if (val?.kind === 'literal') return val.value ? holds() : fail('a condition that never holds');
  if (val?.kind === 'subject' && val.subject.kind !== 'text')
    return holds({ subject: val.subject, op: { truthy: true } });
  return fail('a condition preflight cannot read');
}

function isTestsRead(node: Extract<Expression, { type: 'MemberExpression' }>): boolean {
  return node.object.type === 'Identifier' && node.object.name === 'tests';
}

/** `tests["X"]` read back: the condition X was converted with. */
function testResult(node: Extract<Expression, { type: 'MemberExpression' }>, scope: Scope): Condition {
  const key = node.property.type === 'Literal' ? node.property.value : undefined;
  const guards = typeof key === 'string' ? scope.tests.get(key) : undefined;
  return guards ? { ok: true, guards } : fail('a read of a test that was not converted');
}

function isJson(val: Val | undefined): val is { kind: 'subject'; subject: { kind: 'json'; path: string } } {
  return val?.kind === 'subject' && val.subject.kind === 'json';
}

function jsonFact(path: string, op: Record<string, unknown>): Fact {
  return { subject: { kind: 'json', path }, op };
}
