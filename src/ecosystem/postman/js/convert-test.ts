/**
 * `pm.test("name", function () { ... })` as one named assertion. Postman runs the function and
 * fails the test when it throws: the assertion holds the facts of its `pm.expect` chains and
 * what its reads need not to throw (reads.ts); the value it returns is ignored, as Postman
 * ignores it. A variable set in the test is set only if everything before it passed: its
 * capture is conditional on those facts.
 */
import type { Expression, Node, Statement } from 'acorn';
import type { Capture } from '../../../plan/schema.js';
import { assertionChain, chainFacts, expectFail } from './chai.js';
import {
  addCapture,
  bindDeclaration,
  captureOf,
  LEGACY_SETTERS,
  namedAssertion,
  SETTERS,
  type Walk,
} from './convert-parts.js';
import type { Fact } from './facts.js';
import { destructuringReads, type Reads, readsOf, withReads } from './reads.js';
import { dottedName, evaluate, type Guard, type Scope, stringArgument } from './values.js';

/** What the statements of a test asserted so far. */
interface TestState {
  name: string;
  scope: Scope;
  facts: Fact[];
  reads: Reads;
  fail: string | undefined;
  captures: [string, Capture][];
}

/** `pm.test("name", function () { ... })`; returns why it was kept, or undefined when converted. */
export function convertPmTest(
  call: Extract<Expression, { type: 'CallExpression' }>,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  const name = stringArgument(call.arguments[0]);
  const fn = call.arguments[1];
  if (name === undefined) return 'a test whose name is computed';
  if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression'))
    return 'a test without a function';
  if (fn.async) return 'an async test';
  // A function that takes a parameter gets a done callback: the test ends when it is called.
  if (fn.params.length > 0) return 'a test with a done callback';
  const body: Node[] = fn.body.type === 'BlockStatement' ? fn.body.body : [fn.body];
  const state: TestState = {
    name,
    scope: { ...walk.scope, locals: new Map(walk.scope.locals) },
    facts: [],
    reads: { present: [], containers: [] },
    fail: undefined,
    captures: [],
  };
  for (const [i, statement] of body.entries()) {
    if (statement.type === 'ReturnStatement' && i < body.length - 1)
      return 'a test with statements after return';
    const why = testStatement(statement, state, guards, walk);
    if (why !== undefined) return why;
  }
  const facts = withReads(state.facts, state.reads);
  if (typeof facts === 'string') return facts;
  const assertion = namedAssertion(name, facts, guards, state.fail);
  if (typeof assertion === 'string') return assertion;
  walk.out.assertions.push(assertion);
  for (const [variable, capture] of state.captures) addCapture(variable, capture, walk);
  return undefined;
}

/** One statement of a test; returns why the test is kept, or undefined. */
function testStatement(statement: Node, state: TestState, guards: Guard[], walk: Walk): string | undefined {
  if (statement.type === 'EmptyStatement') return undefined;
  if (statement.type === 'VariableDeclaration')
    return declaration(statement as Extract<Statement, { type: 'VariableDeclaration' }>, state);
  if (statement.type === 'ReturnStatement')
    return returned(statement as Extract<Statement, { type: 'ReturnStatement' }>, state, guards, walk);
  const expr = (
    statement.type === 'ExpressionStatement'
      ? (statement as Extract<Statement, { type: 'ExpressionStatement' }>).expression
      : statement
  ) as Expression;
  const fail = expectFail(expr);
  if (fail !== undefined) {
    state.fail ??= fail;
    return undefined;
  }
  const callee = expr.type === 'CallExpression' ? (dottedName(expr.callee) ?? '') : '';
  if (callee.startsWith('console.')) return undefined;
  if (expr.type === 'CallExpression' && (SETTERS.test(callee) || LEGACY_SETTERS.has(callee)))
    return setter(expr, state, guards, walk);
  const chain = assertionChain(expr);
  if (!chain) return `the test "${state.name}" holds a statement that is not an assertion`;
  if (chain.subject !== 'response') addReads(chain.subject, state);
  const read = chainFacts(chain, state.scope);
  if (!read.ok) return read.why;
  state.facts.push(...read.facts);
  return undefined;
}

function declaration(
  node: Extract<Statement, { type: 'VariableDeclaration' }>,
  state: TestState,
): string | undefined {
  for (const d of node.declarations) {
    if (!d.init) continue;
    if (d.id.type === 'Identifier') {
      addReads(d.init, state);
      continue;
    }
    // `const {data} = pm.response.json()` throws for a body that is null.
    const reads = destructuringReads(d.init, state.scope);
    if (!reads.ok) return `a destructuring preflight cannot follow: ${reads.why}`;
    merge(state.reads, reads.reads);
  }
  bindDeclaration(node, state.scope);
  return undefined;
}

/** `return expr`: Postman ignores the value; the expression still fails the test if it throws. */
function returned(
  node: Extract<Statement, { type: 'ReturnStatement' }>,
  state: TestState,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  if (!node.argument) return undefined;
  // \`return pm.expect(x).to.eql(1)\`: the assertion is what counts.
  if (assertionChain(node.argument)) return testStatement(node.argument, state, guards, walk);
  const reads = readsOf(node.argument, state.scope);
  if (!reads.ok) return `the test "${state.name}" returns a value preflight cannot read: ${reads.why}`;
  merge(state.reads, reads.reads);
  const code = walk.source.slice(node.argument.start, node.argument.end);
  walk.out.notes.push(
    `test "${state.name}": Postman ignores the value its function returns (\`${code}\`); the assertion checks only that the test's reads do not fail`,
  );
  return undefined;
}

/** A variable set in a test: captured only when what came before it in the test held. */
function setter(
  call: Extract<Expression, { type: 'CallExpression' }>,
  state: TestState,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  if (state.fail !== undefined) return 'a variable set after pm.expect.fail()';
  const value = call.arguments[1];
  const path = value && value.type !== 'SpreadElement' ? jsonPathOf(value, state.scope) : undefined;
  const before = withReads(state.facts, state.reads, path);
  if (typeof before === 'string') return before;
  const conditions: Guard[] = before.length > 0 ? [...guards, { facts: before, negated: false }] : guards;
  const capture = captureOf(call, conditions, { ...walk, scope: state.scope }, { fixedValues: true });
  if (typeof capture === 'string') return capture;
  state.captures.push(capture);
  if (value && value.type !== 'SpreadElement') addReads(value, state);
  return undefined;
}

/** The JSON path a set value reads, if it is one. */
function jsonPathOf(node: Expression, scope: Scope): string | undefined {
  const val = evaluate(node, scope);
  return val?.kind === 'subject' && val.subject.kind === 'json' ? val.subject.path : undefined;
}

/**
 * The reads of an expression a test evaluates. One preflight cannot follow adds nothing: the
 * value (a header, a computed local) is judged as before, by the facts about it.
 */
function addReads(node: Node, state: TestState): void {
  const reads = readsOf(node, state.scope);
  if (reads.ok) merge(state.reads, reads.reads);
}

function merge(into: Reads, from: Reads): void {
  into.present.push(...from.present);
  into.containers.push(...from.containers);
}
