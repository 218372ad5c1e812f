/**
 * Facts: what a piece of a Postman script asserts about the response, one subject (a JSON
 * path, the body text, the status, a header, the response time, a variable) and one matcher
 * operator each. A list of facts is a conjunction; it becomes one `expect` of the plan.
 */
import type { StepExpect } from '../../../plan/schema.js';

/** What a fact is about. */
export type Subject =
  | { kind: 'json'; path: string }
  | { kind: 'text' }
  | { kind: 'status' }
  | { kind: 'header'; name: string }
  | { kind: 'time' }
  | { kind: 'cookie'; name: string }
  | { kind: 'var'; name: string }
  /** The whole body against a JSON Schema (`op: { schema: {...} }`). */
  | { kind: 'schema' };

/** One operator of a matcher (`{ gt: 0 }`), as the plan spells it. */
export type Operator = Record<string, unknown>;

export interface Fact {
  subject: Subject;
  op: Operator;
}

/** Facts, or why the script's text has no declarative equivalent. */
export type Facts = { ok: true; facts: Fact[] } | { ok: false; why: string };

export const no = (why: string): { ok: false; why: string } => ({ ok: false, why });
export const yes = (...facts: Fact[]): Facts => ({ ok: true, facts });

/** The fact that holds exactly when `fact` does not, when one matcher can say it. */
export function negate(fact: Fact): Fact | undefined {
  const [name, operand] = Object.entries(fact.op)[0] ?? [];
  const flip: Record<string, (v: unknown) => Operator | undefined> = {
    eq: (v) => ({ ne: v }),
    ne: (v) => ({ eq: v }),
    exists: (v) => ({ exists: !v }),
    truthy: (v) => ({ truthy: !v }),
    gt: (v) => ({ lte: v }),
    gte: (v) => ({ lt: v }),
    lt: (v) => ({ gte: v }),
    lte: (v) => ({ gt: v }),
  };
  if (name === 'contains' && fact.subject.kind === 'text')
    return { subject: fact.subject, op: { not_contains: operand } };
  const op = name ? flip[name]?.(operand) : undefined;
  return op ? { subject: fact.subject, op } : undefined;
}

/** A subject's text, to group facts (`json $.a`). */
function keyOf(subject: Subject): string {
  switch (subject.kind) {
    case 'json':
      return `json ${subject.path}`;
    case 'header':
      return `header ${subject.name.toLowerCase()}`;
    case 'cookie':
    case 'var':
      return `${subject.kind} ${subject.name}`;
    default:
      return subject.kind;
  }
}

/** One `expect` holding every fact, or why they cannot be one. */
export function toExpect(facts: Fact[]): { ok: true; expect: StepExpect } | { ok: false; why: string } {
  const grouped = new Map<string, { subject: Subject; op: Operator }>();
  for (const fact of facts) {
    const placed = group(grouped, fact);
    if (placed !== true) return no(placed);
  }
  const expect: Record<string, unknown> = {};
  for (const { subject, op } of grouped.values()) {
    const placed = place(expect, subject, op);
    if (placed !== true) return no(placed);
  }
  return { ok: true, expect: expect as StepExpect };
}

/** Add a fact to its subject's matcher; a second check of the same kind goes under another spelling of the path. */
function group(grouped: Map<string, { subject: Subject; op: Operator }>, fact: Fact): true | string {
  const spellings =
    fact.subject.kind === 'json' ? [fact.subject.path, bracketed(fact.subject.path)] : [undefined];
  for (const path of spellings) {
    const subject: Subject = path === undefined ? fact.subject : { kind: 'json', path };
    const key = keyOf(subject);
    const before = grouped.get(key);
    if (!before) {
      grouped.set(key, { subject, op: { ...fact.op } });
      return true;
    }
    const clash = Object.entries(fact.op).some(
      ([name, operand]) => name in before.op && JSON.stringify(before.op[name]) !== JSON.stringify(operand),
    );
    if (!clash) {
      Object.assign(before.op, fact.op);
      return true;
    }
  }
  return `two "${Object.keys(fact.op).join(', ')}" checks of ${keyOf(fact.subject)}`;
}

/** `$.a.b` as `$.a['b']`: the same value, another key of `expect.json` (for a second `contains`). */
function bracketed(path: string): string | undefined {
  const m = /^(.*)\.([A-Za-z_$][\w$]*)$/.exec(path);
  return m ? `${m[1]}['${m[2]}']` : undefined;
}

/** `{ eq: 5 }` reads better as `5`. */
function simplify(op: Operator): unknown {
  const keys = Object.keys(op);
  const value = op.eq;
  const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
  return keys.length === 1 && keys[0] === 'eq' && scalar ? value : op;
}

function place(expect: Record<string, unknown>, subject: Subject, op: Operator): true | string {
  const into = (group: string, key: string): true => {
    const map = (expect[group] ?? {}) as Record<string, unknown>;
    map[key] = simplify(op);
    expect[group] = map;
    return true;
  };
  switch (subject.kind) {
    case 'json':
      return into('json', subject.path);
    case 'header':
      return into('headers', subject.name.toLowerCase());
    case 'var':
      return into('vars', subject.name);
    case 'status':
      return placeStatus(expect, op);
    case 'time':
      return placeTime(expect, op);
    case 'text':
      return placeText(expect, op);
    case 'cookie':
      return 'a check of a cookie value';
    case 'schema':
      expect.schema = op.schema;
      return true;
  }
}

function placeStatus(expect: Record<string, unknown>, op: Operator): true | string {
  const keys = Object.keys(op);
  if (keys.length === 1 && typeof op.eq === 'number') expect.status = op.eq;
  else if (keys.length === 1 && Array.isArray(op.in) && op.in.every((n) => typeof n === 'number'))
    expect.status = op.in;
  else if (keys.every((k) => ['ne', 'gt', 'gte', 'lt', 'lte'].includes(k))) expect.status = op;
  else return `the status check ${JSON.stringify(op)}`;
  return true;
}

function placeTime(expect: Record<string, unknown>, op: Operator): true | string {
  const limit = typeof op.lt === 'number' ? op.lt : typeof op.lte === 'number' ? op.lte : undefined;
  if (Object.keys(op).length !== 1 || limit === undefined) return 'a response time check other than below(N)';
  expect.max_ms = limit;
  return true;
}

function placeText(expect: Record<string, unknown>, op: Operator): true | string {
  const body: Record<string, string> = {};
  for (const [name, operand] of Object.entries(op)) {
    if (typeof operand !== 'string') return `the body check "${name}"`;
    if (name === 'contains') body.contains = operand;
    else if (name === 'not_contains') body.not_contains = operand;
    else if (name === 'match') body.match = operand;
    else return `the body check "${name}"`;
  }
  expect.body = body;
  return true;
}
