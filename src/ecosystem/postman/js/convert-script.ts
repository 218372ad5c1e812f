/**
 * A Postman script (test or pre-request, both dialects) as declarative parts of a step:
 * named assertions (`pm.test`, `tests["..."] =`) with the `if`/`else` guards around them as
 * `when`/`unless`, captures (`pm.environment.set("x", json.x)`, `postman.setGlobalVariable`),
 * `set` (literal values of a pre-request script) and a plain `expect` (top-level
 * `pm.expect`). Whatever has no declarative equivalent is kept, as source, for the sandbox:
 * nothing is dropped except what cannot change a verdict (console output).
 */
import type { Expression, Node, Statement } from 'acorn';
import type { Capture, NamedAssertion, StepExpect } from '../../../plan/schema.js';
import { VariableMap } from '../variables.js';
import { countTests, isPmTest, isTestsAssignment, parseScript } from './ast.js';
import { assertionChain, chainFacts } from './chai.js';
import {
  bindDeclaration,
  convertSetter,
  describeUnknown,
  firstLine,
  LEGACY_SETTERS,
  namedAssertion,
  noteSetters,
  SETTERS,
  valueOrCondition,
  type Walk,
} from './convert-parts.js';
import { convertPmTest } from './convert-test.js';
import { toExpect } from './facts.js';
import { readCondition } from './predicates.js';
import { type Decision, renderKept } from './residual.js';
import { dottedName, type Guard, type Scope, stringArgument } from './values.js';

/** Why a statement was kept as script. */
export interface KeptReason {
  line: number;
  code: string;
  why: string;
}

/** What a script becomes. */
export interface ConvertedScript {
  expect: StepExpect;
  assertions: NamedAssertion[];
  capture: Record<string, Capture>;
  set: Record<string, string | number | boolean | null>;
  /** The source kept for the sandbox (undefined: nothing left). */
  kept: string | undefined;
  counts: { assertions: number; converted: number };
  /** Kept statements, with why. */
  reasons: KeptReason[];
  /** What preflight does not do at all (flow control), one line each. */
  ignored: string[];
  /** What the user should know about a converted test (a returned value Postman ignores). */
  notes: string[];
}

/** What a script is converted with: the plan's variables, the request's fixed raw body. */
export interface ScriptContext {
  vars: VariableMap;
  /** `pm.request.body.raw` when the body is raw text without `{{variables}}`. */
  requestRaw?: string | undefined;
}

const FLOW = new Set([
  'postman.setNextRequest',
  'pm.execution.setNextRequest',
  'pm.execution.skipRequest',
  'pm.setNextRequest',
]);

/** A conversion of nothing (to merge conversions into). */
export function emptyConversion(): ConvertedScript {
  return {
    expect: {},
    assertions: [],
    capture: {},
    set: {},
    kept: undefined,
    counts: { assertions: 0, converted: 0 },
    reasons: [],
    ignored: [],
    notes: [],
  };
}

/** Convert one script. */
export function convertScript(
  source: string,
  listen: 'test' | 'prerequest',
  context: ScriptContext | VariableMap,
): ConvertedScript {
  const { vars, requestRaw } =
    context instanceof VariableMap ? { vars: context, requestRaw: undefined } : context;
  const out = emptyConversion();
  if (source.trim() === '') return out;
  const parsed = parseScript(source);
  if (!parsed.ok) {
    out.kept = source;
    out.reasons.push({ line: 1, code: firstLine(source), why: parsed.why });
    out.counts.assertions = (source.match(/pm\.test\(|tests\[/g) ?? []).length;
    return out;
  }
  const scope: Scope = { locals: new Map(), vars, setEarlier: new Set(), tests: new Map(), requestRaw };
  const walk: Walk = { source, listen, scope, out, decisions: new Map(), expectFacts: [], legacy: new Map() };
  walkList(parsed.program.body as Statement[], [], walk);
  const expect = toExpect(walk.expectFacts);
  if (expect.ok) out.expect = expect.expect;
  out.counts.assertions = countTests(parsed.program);
  out.kept = renderKept(parsed.program.body as Statement[], walk.decisions, source, (name) =>
    unconvert(name, walk),
  );
  out.counts.converted = out.assertions.length;
  return out;
}

/** A converted legacy test read by kept code goes back to the script (it runs there, once). */
function unconvert(name: string, walk: Walk): Node | undefined {
  const node = walk.legacy.get(name);
  if (!node) return undefined;
  walk.legacy.delete(name);
  walk.out.assertions = walk.out.assertions.filter((a) => a.name !== name);
  walk.decisions.set(node, 'keep');
  return node;
}

function walkList(list: Statement[], guards: Guard[], walk: Walk): void {
  for (const statement of list) walkStatement(statement, guards, walk);
}

function walkStatement(node: Statement, guards: Guard[], walk: Walk): void {
  const decide = (d: Decision): void => void walk.decisions.set(node, d);
  const keep = (why: string): void => {
    decide('keep');
    const line = node.loc?.start.line ?? 1;
    walk.out.reasons.push({ line, code: firstLine(walk.source.slice(node.start, node.end)), why });
    noteSetters(node, walk);
  };
  switch (node.type) {
    case 'EmptyStatement':
      decide('drop');
      return;
    case 'BlockStatement':
      decide('partial');
      walkList(node.body, guards, walk);
      return;
    case 'VariableDeclaration':
      bindDeclaration(node, walk.scope);
      decide('decl');
      return;
    case 'FunctionDeclaration':
      if (node.id) walk.scope.locals.set(node.id.name, undefined);
      decide('decl');
      return;
    case 'IfStatement':
      walkIf(node, guards, walk, keep);
      return;
    case 'ExpressionStatement':
      walkExpression(node, guards, walk, decide, keep);
      return;
    default:
      keep(`a ${node.type.replace(/Statement$/, '').toLowerCase()} statement`);
      return;
  }
}

function walkIf(
  node: Extract<Statement, { type: 'IfStatement' }>,
  guards: Guard[],
  walk: Walk,
  keep: (why: string) => void,
): void {
  const condition = readCondition(node.test, walk.scope);
  if (!condition.ok) {
    keep(`the condition: ${condition.why}`);
    return;
  }
  walk.decisions.set(node, 'partial');
  walkStatement(node.consequent, [...guards, ...condition.guards], walk);
  if (!node.alternate) return;
  if (condition.guards.length !== 1) {
    walk.decisions.set(node.alternate, 'keep');
    walk.out.reasons.push({
      line: node.alternate.loc?.start.line ?? 1,
      code: 'else',
      why: 'the else of a compound condition',
    });
    return;
  }
  const [only] = condition.guards as [Guard];
  walkStatement(node.alternate, [...guards, { ...only, negated: !only.negated }], walk);
}

function walkExpression(
  statement: Extract<Statement, { type: 'ExpressionStatement' }>,
  guards: Guard[],
  walk: Walk,
  decide: (d: Decision) => void,
  keep: (why: string) => void,
): void {
  const expr = statement.expression;
  if (isPmTest(expr)) {
    const why = convertPmTest(expr as Extract<Expression, { type: 'CallExpression' }>, guards, walk);
    if (why === undefined) decide('drop');
    else keep(why);
    return;
  }
  if (isTestsAssignment(expr)) {
    const assign = expr as Extract<Expression, { type: 'AssignmentExpression' }>;
    const why = convertLegacyTest(assign, statement, guards, walk);
    if (why !== undefined) keep(why);
    else decide('drop');
    return;
  }
  if (expr.type === 'CallExpression') {
    const callee = dottedName(expr.callee) ?? '';
    if (callee.startsWith('console.')) {
      decide('drop');
      return;
    }
    if (FLOW.has(callee)) {
      walk.out.ignored.push(`${callee}(...) (preflight runs every request, in collection order)`);
      decide('drop');
      return;
    }
    if (SETTERS.test(callee) || LEGACY_SETTERS.has(callee)) {
      const why = convertSetter(expr, guards, walk);
      if (why === undefined) decide('drop');
      else keep(why);
      return;
    }
  }
  const chain = assertionChain(expr);
  if (chain && guards.length === 0) {
    const facts = chainFacts(chain, walk.scope);
    if (facts.ok) {
      walk.expectFacts.push(...facts.facts);
      decide('drop');
    } else keep(facts.why);
    return;
  }
  if (expr.type === 'AssignmentExpression' && expr.operator === '=' && expr.left.type === 'Identifier') {
    // `article = json.articles[0]` (often an undeclared name): a binding, like `var`.
    walk.scope.locals.set(expr.left.name, valueOrCondition(expr.right, walk.scope));
    decide('decl');
    return;
  }
  keep(describeUnknown(expr));
}

/** `tests["name"] = condition`; returns why it was kept, or undefined when converted. */
function convertLegacyTest(
  assign: Extract<Expression, { type: 'AssignmentExpression' }>,
  statement: Node,
  guards: Guard[],
  walk: Walk,
): string | undefined {
  const left = assign.left as Extract<Expression, { type: 'MemberExpression' }>;
  const name = left.computed
    ? stringArgument(left.property)
    : left.property.type === 'Identifier'
      ? left.property.name
      : undefined;
  if (name === undefined) return 'a test whose name is computed';
  const value = assign.right;
  let assertion: NamedAssertion | string;
  let own: Guard[] = [];
  if (value.type === 'Literal' && typeof value.value === 'boolean') {
    assertion = namedAssertion(name, [], guards, value.value ? undefined : 'expected false to be truthy');
  } else {
    const condition = readCondition(value, walk.scope);
    if (!condition.ok) return condition.why;
    if (condition.guards.some((g) => g.negated)) return 'a test of a compound negated condition';
    own = condition.guards;
    assertion = namedAssertion(
      name,
      condition.guards.flatMap((g) => g.facts),
      guards,
      undefined,
    );
  }
  if (typeof assertion === 'string') return assertion;
  // The legacy `tests` object keeps the last value given to a name.
  const earlier = walk.legacy.get(name);
  if (earlier) {
    walk.out.assertions = walk.out.assertions.filter((a) => a.name !== name);
    walk.decisions.set(earlier, 'drop');
  }
  walk.out.assertions.push(assertion);
  walk.legacy.set(name, statement);
  walk.scope.tests.set(name, [...guards, ...own]);
  return undefined;
}
