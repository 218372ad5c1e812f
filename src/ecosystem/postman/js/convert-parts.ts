/**
 * The parts of a script's conversion below the statement walk: named assertions and their
 * guards, setters as captures or `set` values, templates of literals, local bindings, and the
 * description of what is kept. convert-script.ts walks the statements and calls these.
 */
import type { Expression, Node, Statement } from 'acorn';
import type { Capture, NamedAssertion, StepExpect } from '../../../plan/schema.js';
import { visit } from './ast.js';
import type { ConvertedScript } from './convert-script.js';
import { type Fact, toExpect } from './facts.js';
import { factsOf, readCondition } from './predicates.js';
import type { Decision } from './residual.js';
import { dottedName, evaluate, type Guard, type Scope, stringArgument } from './values.js';

/** The state of one script's walk. */
export interface Walk {
  source: string;
  listen: 'test' | 'prerequest';
  scope: Scope;
  out: ConvertedScript;
  decisions: Map<Node, Decision>;
  expectFacts: Fact[];
  /** The statement each converted legacy test came from. */
  legacy: Map<string, Node>;
}

export const SETTERS = /^pm\.(environment|globals|collectionVariables|variables)\.set$/;
export const LEGACY_SETTERS = new Set(['postman.setEnvironmentVariable', 'postman.setGlobalVariable']);

/** A named assertion from facts and the guards around it. */
export function namedAssertion(
  name: string,
  facts: Fact[],
  guards: Guard[],
  fail: string | undefined,
): NamedAssertion | string {
  const expect = toExpect(facts);
  if (!expect.ok) return expect.why;
  const conditions = guardExpects(guards);
  if (typeof conditions === 'string') return conditions;
  const out: NamedAssertion = { name, ...conditions, ...(fail ? { fail } : expect.expect) };
  return out;
}

/** Guards as `when` (they hold) and `unless` (they do not). */
export function guardExpects(
  guards: Guard[],
): { when?: StepExpect | StepExpect[]; unless?: StepExpect | StepExpect[] } | string {
  const when: StepExpect[] = [];
  const unless: StepExpect[] = [];
  const seen = new Set<string>();
  for (const guard of guards) {
    const key = JSON.stringify(guard);
    if (seen.has(key)) continue;
    seen.add(key);
    const expect = toExpect(guard.facts);
    if (!expect.ok) return `the condition: ${expect.why}`;
    (guard.negated ? unless : when).push(expect.expect);
  }
  const one = (list: StepExpect[]) => (list.length === 1 ? list[0] : list);
  return {
    ...(when.length ? { when: one(when) } : {}),
    ...(unless.length ? { unless: one(unless) } : {}),
  } as {
    when?: StepExpect | StepExpect[];
    unless?: StepExpect | StepExpect[];
  };
}

/** A setter: a capture (test script) or a `set` value (pre-request script). */
export function convertSetter(
  call: Extract<Expression, { type: 'CallExpression' }>,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  if (walk.listen === 'prerequest') return presetOf(call, guards, walk);
  const capture = captureOf(call, guards, walk);
  if (typeof capture === 'string') return capture;
  addCapture(capture[0], capture[1], walk);
  return undefined;
}

/** How a setter may be captured. */
export interface CaptureOptions {
  /**
   * A fixed value (`requestBody.name` of the request's own fixed body) becomes `{ value }`: only
   * in a pm.test, whose conditions say when the statement is reached (at the top level, an
   * earlier statement that throws would stop the script first, which preflight does not follow).
   */
  fixedValues: boolean;
}

/** A setter of a test script as a capture, or why it stays script. */
export function captureOf(
  call: Extract<Expression, { type: 'CallExpression' }>,
  guards: Guard[],
  walk: Walk,
  options: CaptureOptions = { fixedValues: false },
): [string, Capture] | string {
  const name = stringArgument(call.arguments[0]);
  const value = call.arguments[1];
  if (name === undefined || !value || value.type === 'SpreadElement' || call.arguments.length !== 2)
    return 'a variable set with a computed name';
  const read = evaluate(value, walk.scope);
  const legacy = LEGACY_SETTERS.has(dottedName(call.callee) ?? '');
  if (read?.kind === 'literal') {
    if (!options.fixedValues)
      return 'a variable set to a fixed value outside a pm.test (it is set only if no statement before it throws, which preflight does not follow there)';
    const fixed = fixedValue(read.value);
    if (typeof fixed === 'string') return fixed;
    const conditions = guardExpects(guards);
    if (typeof conditions === 'string') return conditions;
    return [name, { value: fixed.value, ...(legacy ? { text: true } : {}), ...conditions }];
  }
  if (read?.kind !== 'subject') return 'a variable set to a value that is not read from the response';
  const subject = read.subject;
  const source: Capture | undefined =
    subject.kind === 'json'
      ? subject.path
      : subject.kind === 'header'
        ? { header: subject.name }
        : subject.kind === 'cookie'
          ? { cookie: subject.name }
          : undefined;
  if (source === undefined) return 'a variable set to a value that is not read from the response';
  // The legacy setters store text (`postman.setGlobalVariable("id", 1)` stores "1").
  const text = legacy && subject.kind === 'json';
  if (guards.length === 0 && !text) return [name, source];
  const conditions = guardExpects(guards);
  if (typeof conditions === 'string') return conditions;
  const spec = typeof source === 'string' ? { json: source } : source;
  return [name, { ...spec, ...(text ? { text: true } : {}), ...conditions } as Capture];
}

/** A literal a plan's `value` holds as Postman would store it; else why not. */
function fixedValue(value: unknown): { value: string | number | boolean | null } | string {
  if (value === undefined) return 'a variable set to undefined';
  if (typeof value === 'string' && value.includes('{{'))
    return 'a variable set to a fixed text with {{ in it (a plan value would be templated)';
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
    return { value: value as string | number | boolean | null };
  return 'a variable set to a fixed object or array (a plan value is a string, number, boolean or null)';
}

export function addCapture(postmanName: string, capture: Capture, walk: Walk): void {
  walk.out.capture[walk.scope.vars.nameOf(postmanName)] = capture;
  walk.scope.setEarlier.add(postmanName);
  const fromJson = typeof capture === 'string' || (capture.json !== undefined && !capture.text);
  if (fromJson) walk.scope.vars.fromJson.add(postmanName);
  else walk.scope.vars.fromJson.delete(postmanName);
}

/** A pre-request `set` of a literal (or of a text made of literals and variables). */
export function presetOf(
  call: Extract<Expression, { type: 'CallExpression' }>,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  const name = stringArgument(call.arguments[0]);
  const value = call.arguments[1];
  if (name === undefined || !value || value.type === 'SpreadElement')
    return 'a variable set with a computed name';
  if (guards.length > 0) return 'a variable set under a condition, before the request';
  const text = templateOf(value, walk);
  if (text === undefined) return 'a variable set to a computed value';
  walk.out.set[walk.scope.vars.nameOf(name)] = text;
  walk.scope.setEarlier.add(name);
  return undefined;
}

/** A literal, or `"a" + pm.environment.get("b")` as the template `a{{ b }}`. */
export function templateOf(node: Expression, walk: Walk): string | number | boolean | null | undefined {
  if (node.type === 'BinaryExpression' && node.operator === '+' && node.left.type !== 'PrivateIdentifier') {
    const a = templateOf(node.left, walk);
    const b = templateOf(node.right, walk);
    return a === undefined || b === undefined ? undefined : `${a}${b}`;
  }
  const read = evaluate(node, walk.scope);
  if (
    read?.kind === 'literal' &&
    (read.value === null || ['string', 'number', 'boolean'].includes(typeof read.value))
  )
    return read.value as string | number | boolean | null;
  if (read?.kind === 'subject' && read.subject.kind === 'var')
    return walk.scope.vars.rewrite(`{{${read.subject.name}}}`, '');
  return undefined;
}

export function bindDeclaration(
  node: Extract<Statement, { type: 'VariableDeclaration' }>,
  scope: Scope,
): void {
  for (const d of node.declarations) {
    if (d.id.type === 'Identifier') {
      scope.locals.set(d.id.name, d.init ? valueOrCondition(d.init, scope) : undefined);
      continue;
    }
    const base = d.init ? evaluate(d.init, scope) : undefined;
    if (d.id.type !== 'ObjectPattern') continue;
    for (const p of d.id.properties) {
      if (p.type !== 'Property' || p.value.type !== 'Identifier') continue;
      const key = p.key.type === 'Identifier' ? p.key.name : stringArgument(p.key);
      const path =
        base?.kind === 'subject' && base.subject.kind === 'json' && key !== undefined
          ? base.subject.path
          : undefined;
      scope.locals.set(
        p.value.name,
        path !== undefined
          ? { kind: 'subject', subject: { kind: 'json', path: `${path}.${key}` } }
          : undefined,
      );
    }
  }
}

/** A local bound to a value, or to a condition (`var ok = responseCode.code === 200`). */
export function valueOrCondition(init: Expression, scope: Scope) {
  const value = evaluate(init, scope);
  if (value) return value;
  if (!['BinaryExpression', 'LogicalExpression', 'UnaryExpression', 'CallExpression'].includes(init.type))
    return undefined;
  const condition = readCondition(init, scope);
  return condition.ok && (factsOf(condition) || condition.guards.length > 0)
    ? ({ kind: 'predicate', guards: condition.guards } as const)
    : undefined;
}

/** Variables set inside kept code are not known before the response either. */
export function noteSetters(node: Node, walk: Walk): void {
  visit(node, (n) => {
    if (n.type !== 'CallExpression') return;
    const call = n as Extract<Expression, { type: 'CallExpression' }>;
    const callee = dottedName(call.callee) ?? '';
    const name = stringArgument(call.arguments[0]);
    if (name !== undefined && (SETTERS.test(callee) || LEGACY_SETTERS.has(callee) || /\.unset$/.test(callee)))
      walk.scope.setEarlier.add(name);
  });
}

export function describeUnknown(expr: Expression): string {
  if (expr.type === 'CallExpression') {
    const callee = dottedName(expr.callee);
    if (callee === 'pm.sendRequest') return "pm.sendRequest (preflight sends only the plan's requests)";
    return callee ? `${callee}(...) has no declarative equivalent` : 'a call preflight cannot read';
  }
  return `a ${expr.type.replace(/Expression$/, '').toLowerCase()} expression`;
}

export function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
