/**
 * Chai chains as facts: `pm.expect(x).to.be.a("string").and.not.be.empty`,
 * `pm.expect(json).to.have.property("id").that.is.above(0)`, and Postman's response words
 * (`pm.response.to.have.status(201)`, `.to.be.ok`, `.to.have.header("ETag")`,
 * `.to.have.jsonBody("user.id")`, `.to.have.jsonSchema(schema)`, `.to.be.json`).
 */
import type { Expression, Node } from 'acorn';
import { type Fact, type Facts, negate, no, type Operator, type Subject, yes } from './facts.js';
import { childPath, evaluate, operandOf, type Scope, stringArgument, type Val } from './values.js';

interface Link {
  word: string;
  args?: Expression[];
}

/** An assertion chain rooted at `pm.expect(...)` or `pm.response`, as links; undefined otherwise. */
export function assertionChain(node: Node): { subject: Expression | 'response'; links: Link[] } | undefined {
  const links: Link[] = [];
  let at = node as Expression;
  for (;;) {
    if (at.type === 'CallExpression' && at.callee.type === 'MemberExpression') {
      const word = wordOf(at.callee);
      if (word === undefined) return undefined;
      const args = at.arguments.filter((a): a is Expression => a.type !== 'SpreadElement');
      const object = at.callee.object as Expression;
      if (word === 'expect' && isPm(object)) return args[0] ? { subject: args[0], links } : undefined;
      links.unshift({ word, args });
      at = object;
    } else if (at.type === 'MemberExpression') {
      const word = wordOf(at);
      if (word === undefined) return undefined;
      const object = at.object as Expression;
      if (word === 'response' && isPm(object)) return links[0] ? { subject: 'response', links } : undefined;
      if (isPm(object)) return undefined;
      links.unshift({ word });
      at = object;
    } else return undefined;
  }
}

/** Whether a statement is `pm.expect.fail(...)`; returns its message. */
export function expectFail(node: Node): string | undefined {
  const n = node as Expression;
  if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression') return undefined;
  const callee = n.callee;
  const object = callee.object as Expression;
  if (
    wordOf(callee) !== 'fail' ||
    object.type !== 'MemberExpression' ||
    wordOf(object) !== 'expect' ||
    !isPm(object.object as Expression)
  )
    return undefined;
  return stringArgument(n.arguments[0]) ?? 'pm.expect.fail()';
}

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
  'also',
  'but',
  'own',
]);

/** The facts an assertion chain asserts. */
export function chainFacts(chain: { subject: Expression | 'response'; links: Link[] }, scope: Scope): Facts {
  let target: Val | undefined =
    chain.subject === 'response' ? { kind: 'response' } : evaluate(chain.subject, scope);
  if (!target) return no('the value under test is not read from the response or a variable');
  const facts: Fact[] = [];
  const state = { negated: false, deep: false };
  for (const link of chain.links) {
    const { word, args } = link;
    if (FILLER.has(word) || ((word === 'a' || word === 'an') && !args)) continue;
    if (word === 'not') {
      state.negated = !state.negated;
      continue;
    }
    if (word === 'deep') {
      state.deep = true;
      continue;
    }
    if ((word === 'length' || word === 'lengthOf') && !args) {
      const path = jsonPath(target);
      if (!path) return no('.length of a value that is not in the response JSON');
      target = { kind: 'subject', subject: { kind: 'json', path: `${path}.length` } };
      continue;
    }
    if (word === 'property' && args) {
      const step = property(target, args, state.negated, scope);
      if (!step.ok) return step;
      facts.push(...step.facts);
      target = step.next;
      continue;
    }
    const out =
      target.kind === 'response'
        ? responseWord(word, args, state.negated, scope)
        : valueWord(target, word, args, state, scope);
    if (!out.ok) return out;
    facts.push(...out.facts);
  }
  return facts.length > 0 ? yes(...facts) : no('an assertion chain that asserts nothing preflight knows');
}

function property(
  target: Val,
  args: Expression[],
  negated: boolean,
  scope: Scope,
): { ok: true; facts: Fact[]; next: Val } | { ok: false; why: string } {
  const key = stringArgument(args[0]);
  const path = jsonPath(target);
  if (key === undefined || !path) return no('property(...) of a value that is not in the response JSON');
  const subject: Subject = { kind: 'json', path: childPath(path, key) };
  const next: Val = { kind: 'subject', subject };
  if (args[1] === undefined) return { ok: true, facts: [{ subject, op: { exists: !negated } }], next };
  const value = operandOf(evaluate(args[1], scope), scope);
  if (!value.ok) return no('the property value is not a literal or a variable');
  return { ok: true, facts: [{ subject, op: negated ? { ne: value.value } : { eq: value.value } }], next };
}

const COMPARE: Record<string, string> = {
  above: 'gt',
  gt: 'gt',
  greaterThan: 'gt',
  below: 'lt',
  lt: 'lt',
  lessThan: 'lt',
  least: 'gte',
  gte: 'gte',
  greaterThanOrEqual: 'gte',
  most: 'lte',
  lte: 'lte',
  lessThanOrEqual: 'lte',
};

function valueWord(
  target: Val,
  word: string,
  args: Expression[] | undefined,
  state: { negated: boolean; deep: boolean },
  scope: Scope,
): Facts {
  if (target.kind !== 'subject')
    return no('the value under test is not read from the response or a variable');
  const subject = target.subject;
  const one = (op: Operator): Facts => {
    const fact: Fact = { subject, op };
    if (!state.negated) return yes(fact);
    const flipped = negate(fact);
    return flipped ? yes(flipped) : no(`"not.${word}" has no matcher`);
  };
  const arg = args?.[0] ? operandOf(evaluate(args[0], scope), scope) : undefined;
  const literal = (): Facts | undefined =>
    arg?.ok ? undefined : no(`the value of ${word}(...) is not a literal or a variable`);
  switch (word) {
    case 'eql':
    case 'eqls':
      return literal() ?? one({ eq: (arg as { value: unknown }).value });
    case 'equal':
    case 'equals':
    case 'eq': {
      const bad = literal();
      if (bad) return bad;
      const value = (arg as { value: unknown }).value;
      if (value !== null && typeof value === 'object' && !state.deep)
        return no('equal() of an object is true only for the same object');
      return one({ eq: value });
    }
    case 'true':
    case 'false':
    case 'null':
      return args ? no(`${word}(...)`) : one({ eq: JSON.parse(word) });
    case 'undefined':
      return one({ exists: false });
    case 'exist':
      if (state.negated) return no('not.exist holds for null too, which has no single matcher');
      return yes({ subject, op: { exists: true, ne: null } });
    case 'ok':
      return one({ truthy: true });
    case 'empty':
      return yes({ subject, op: { empty: !state.negated } });
    case 'a':
    case 'an':
      return typeWord(subject, args?.[0], state.negated);
    case 'within': {
      const hi = args?.[1] ? operandOf(evaluate(args[1], scope), scope) : undefined;
      if (state.negated || !arg?.ok || !hi?.ok) return no('within(...) with values that are not literals');
      return yes({ subject, op: { gte: arg.value, lte: hi.value } });
    }
    case 'oneOf':
      return state.negated
        ? no('not.oneOf(...)')
        : (literal() ?? yes({ subject, op: { in: (arg as { value: unknown }).value } }));
    case 'match':
    case 'matches':
      return matchWord(subject, args?.[0], state.negated, scope);
    case 'include':
    case 'includes':
    case 'contain':
    case 'contains':
    case 'string': {
      if (!args) return no(`the chain .${word}.… (members, keys)`);
      const bad = literal();
      if (bad) return bad;
      const value = (arg as { value: unknown }).value;
      if (value !== null && typeof value === 'object') return no(`${word}() of an object or a list`);
      if (state.negated)
        return subject.kind === 'text'
          ? yes({ subject, op: { not_contains: value } })
          : no(`not.${word}() outside the body text`);
      return yes({ subject, op: { contains: value } });
    }
    case 'lengthOf':
    case 'length':
      return state.negated
        ? no(`not.${word}(...)`)
        : (literal() ?? yes({ subject, op: { length: (arg as { value: unknown }).value } }));
    default: {
      const op = COMPARE[word];
      if (!op || !args) return no(`the assertion "${word}" has no preflight matcher`);
      return literal() ?? one({ [op]: (arg as { value: unknown }).value });
    }
  }
}

function typeWord(subject: Subject, arg: Expression | undefined, negated: boolean): Facts {
  const type = stringArgument(arg)?.toLowerCase();
  if (negated) return no('not.a(...)');
  if (type === 'undefined') return yes({ subject, op: { exists: false } });
  if (!type || !['string', 'number', 'boolean', 'array', 'object', 'null'].includes(type))
    return no(`the type "${type ?? '?'}" has no matcher`);
  return yes({ subject, op: { type } });
}

function matchWord(subject: Subject, arg: Expression | undefined, negated: boolean, scope: Scope): Facts {
  const re = arg ? evaluate(arg, scope) : undefined;
  if (negated || re?.kind !== 'regex') return no('match() without a regular expression literal');
  if (re.flags.replace(/g/g, '') !== '') return no(`the regular expression flags /${re.flags}`);
  return yes({ subject, op: { match: re.source } });
}

const STATUS_WORDS: Record<string, Operator> = {
  ok: { eq: 200 },
  accepted: { eq: 202 },
  withoutContent: { eq: 204 },
  badRequest: { eq: 400 },
  unauthorized: { eq: 401 },
  unauthorised: { eq: 401 },
  forbidden: { eq: 403 },
  notFound: { eq: 404 },
  notAcceptable: { eq: 406 },
  rateLimited: { eq: 429 },
  info: { gte: 100, lt: 200 },
  success: { gte: 200, lt: 300 },
  redirection: { gte: 300, lt: 400 },
  clientError: { gte: 400, lt: 500 },
  serverError: { gte: 500, lt: 600 },
  error: { gte: 400, lt: 600 },
};

const NEGATED_STATUS: Record<string, Operator> = {
  ok: { ne: 200 },
  error: { lt: 400 },
  serverError: { lt: 500 },
  info: { gte: 200 },
};

const STATUS: Subject = { kind: 'status' };

function responseWord(word: string, args: Expression[] | undefined, negated: boolean, scope: Scope): Facts {
  if (!args && STATUS_WORDS[word]) {
    const op = negated ? NEGATED_STATUS[word] : STATUS_WORDS[word];
    return op ? yes({ subject: STATUS, op }) : no(`not.${word} has no single status matcher`);
  }
  const first = args?.[0] ? evaluate(args[0], scope) : undefined;
  if (word === 'status' && args) {
    if (first?.kind !== 'literal' || typeof first.value !== 'number')
      return no('status(...) with a reason or a computed code');
    return yes({ subject: STATUS, op: negated ? { ne: first.value } : { eq: first.value } });
  }
  if (word === 'header' && args) {
    const name = stringArgument(args[0]);
    if (!name) return no('a header name that is not a literal');
    const value = args[1] ? operandOf(evaluate(args[1], scope), scope) : undefined;
    if (value && !value.ok) return no('a header value that is not a literal');
    if (negated && value) return no('not.have.header(name, value)');
    const subject: Subject = { kind: 'header', name };
    return yes({ subject, op: value?.ok ? { eq: value.value } : { exists: !negated } });
  }
  if (word === 'json' && !args)
    return negated
      ? no('not.be.json')
      : yes(
          { subject: { kind: 'header', name: 'content-type' }, op: { match: 'json' } },
          { subject: { kind: 'json', path: '$' }, op: { exists: true } },
        );
  if (word === 'jsonBody') return jsonBody(args ?? [], negated, scope);
  if (word === 'jsonSchema' && args) {
    const schema = first?.kind === 'literal' ? first.value : undefined;
    if (negated || schema === null || typeof schema !== 'object')
      return no('jsonSchema(...) of a schema that is not written out in the script');
    return yes({ subject: { kind: 'schema' }, op: { schema } });
  }
  return no(`pm.response.to...${word} has no preflight equivalent`);
}

/** `to.have.jsonBody()`, `jsonBody("a.b")`, `jsonBody("a.b", value)` (lodash paths). */
function jsonBody(args: Expression[], negated: boolean, scope: Scope): Facts {
  if (args.length === 0)
    return negated
      ? no('not.have.jsonBody()')
      : yes({ subject: { kind: 'json', path: '$' }, op: { exists: true } });
  const path = stringArgument(args[0]);
  if (path === undefined || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d+\])*$/.test(path))
    return no('a jsonBody path preflight cannot read');
  const subject: Subject = { kind: 'json', path: `$.${path}` };
  if (args[1] === undefined) return yes({ subject, op: { exists: !negated } });
  const value = operandOf(evaluate(args[1], scope), scope);
  if (!value.ok) return no('a jsonBody value that is not a literal');
  return yes({ subject, op: negated ? { ne: value.value } : { eq: value.value } });
}

function jsonPath(val: Val): string | undefined {
  return val.kind === 'subject' && val.subject.kind === 'json' ? val.subject.path : undefined;
}

function wordOf(member: Extract<Expression, { type: 'MemberExpression' }>): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  return undefined;
}

function isPm(node: Expression): boolean {
  return node.type === 'Identifier' && node.name === 'pm';
}
