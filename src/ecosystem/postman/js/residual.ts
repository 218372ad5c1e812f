/**
 * The part of a script kept for the sandbox: the statements that were not converted, the
 * `if`s around them, and the declarations they read (transitively), in their order and with
 * their own text. Converted statements and unread declarations are left out.
 */
import type { Node, Statement } from 'acorn';
import { readNames, visit } from './ast.js';

/** What the converter decided for a statement. */
export type Decision = 'drop' | 'keep' | 'decl' | 'partial';

type Decisions = Map<Node, Decision>;

/**
 * The kept source, or undefined when nothing is kept. `unconvert(name)` is called for each
 * converted legacy test the kept code reads back (`tests["X"]`): it goes back to the script,
 * so it runs once, where it is read.
 */
export function renderKept(
  body: Statement[],
  decisions: Decisions,
  source: string,
  unconvert: (name: string) => Node | undefined,
): string | undefined {
  for (let round = 0; round < 20; round++) {
    const reads = testsReads(body, decisions);
    if (![...reads].map((name) => unconvert(name)).some(Boolean)) break;
  }
  const keptDecls = neededDeclarations(body, decisions);
  const text = renderList(body, decisions, keptDecls, source, '').trimEnd();
  return text === '' ? undefined : `${text}\n`;
}

function decisionOf(node: Node, decisions: Decisions): Decision {
  return decisions.get(node) ?? 'keep';
}

/** The names `tests["..."]` that kept statements read. */
function testsReads(body: Statement[], decisions: Decisions): Set<string> {
  const names = new Set<string>();
  forKept(body, decisions, (node) =>
    visit(node, (n, parent, key) => {
      const m = n as unknown as {
        type: string;
        object?: { type: string; name?: string };
        property?: { type: string; value?: unknown };
      };
      const assigned = parent?.type === 'AssignmentExpression' && key === 'left';
      if (
        m.type === 'MemberExpression' &&
        !assigned &&
        m.object?.type === 'Identifier' &&
        m.object.name === 'tests' &&
        typeof m.property?.value === 'string'
      )
        names.add(m.property.value);
    }),
  );
  return names;
}

/** Calls `use` on each kept statement and on the test of each `if` that keeps something. */
function forKept(list: Node[], decisions: Decisions, use: (node: Node) => void): void {
  for (const node of list) {
    const decision = decisionOf(node, decisions);
    if (decision === 'keep') use(node);
    else if (decision === 'partial' && hasContent(node, decisions, new Set())) {
      const children = childStatements(node);
      if (node.type === 'IfStatement') use((node as unknown as { test: Node }).test);
      forKept(children, decisions, use);
    }
  }
}

/** The declarations the kept code reads, transitively (to a fixed point). */
function neededDeclarations(body: Statement[], decisions: Decisions): Set<Node> {
  const declarations: { node: Node; names: string[] }[] = [];
  collectDeclarations(body, decisions, declarations);
  const kept = new Set<Node>();
  for (;;) {
    const needed = new Set<string>();
    const add = (node: Node): void => {
      for (const name of readNames(node)) needed.add(name);
    };
    forRendered(body, decisions, kept, add);
    let grew = false;
    for (const d of declarations) {
      if (!kept.has(d.node) && d.names.some((n) => needed.has(n))) {
        kept.add(d.node);
        grew = true;
      }
    }
    if (!grew) return kept;
  }
}

/** Like forKept, also counting kept declarations (and the ifs around them) as rendered. */
function forRendered(list: Node[], decisions: Decisions, kept: Set<Node>, use: (node: Node) => void): void {
  for (const node of list) {
    const decision = decisionOf(node, decisions);
    if (decision === 'keep' || (decision === 'decl' && kept.has(node))) use(node);
    else if (decision === 'partial' && hasContent(node, decisions, kept)) {
      if (node.type === 'IfStatement') use((node as unknown as { test: Node }).test);
      forRendered(childStatements(node), decisions, kept, use);
    }
  }
}

function hasContent(node: Node, decisions: Decisions, kept: Set<Node>): boolean {
  const decision = decisionOf(node, decisions);
  if (decision === 'keep') return true;
  if (decision === 'decl') return kept.has(node);
  if (decision === 'partial') return childStatements(node).some((c) => hasContent(c, decisions, kept));
  return false;
}

function collectDeclarations(
  list: Node[],
  decisions: Decisions,
  out: { node: Node; names: string[] }[],
): void {
  for (const node of list) {
    const decision = decisionOf(node, decisions);
    if (decision === 'decl') out.push({ node, names: declaredNames(node) });
    else if (decision === 'partial') collectDeclarations(childStatements(node), decisions, out);
  }
}

function declaredNames(node: Node): string[] {
  const n = node as unknown as {
    type: string;
    id?: { name: string };
    declarations?: { id: Node }[];
    expression?: { left?: { type: string; name?: string } };
  };
  if (n.type === 'FunctionDeclaration') return n.id ? [n.id.name] : [];
  if (n.type === 'ExpressionStatement') return n.expression?.left?.name ? [n.expression.left.name] : [];
  const names: string[] = [];
  for (const d of n.declarations ?? [])
    visit(d.id, (p) => {
      if (p.type === 'Identifier') names.push((p as unknown as { name: string }).name);
    });
  return names;
}

function childStatements(node: Node): Node[] {
  const n = node as unknown as { type: string; body?: Node[]; consequent?: Node; alternate?: Node | null };
  if (n.type === 'BlockStatement') return n.body ?? [];
  if (n.type === 'IfStatement') return [n.consequent as Node, ...(n.alternate ? [n.alternate] : [])];
  return [];
}

function renderList(
  list: Node[],
  decisions: Decisions,
  kept: Set<Node>,
  source: string,
  indent: string,
): string {
  let out = '';
  for (const node of list) out += renderNode(node, decisions, kept, source, indent);
  return out;
}

function renderNode(
  node: Node,
  decisions: Decisions,
  kept: Set<Node>,
  source: string,
  indent: string,
): string {
  const decision = decisionOf(node, decisions);
  if (decision === 'keep' || (decision === 'decl' && kept.has(node)))
    return `${indent}${reindent(source.slice(node.start, node.end), indent)}\n`;
  if (decision !== 'partial' || !hasContent(node, decisions, kept)) return '';
  if (node.type === 'BlockStatement')
    return renderList(childStatements(node), decisions, kept, source, indent);
  const n = node as unknown as { test: Node; consequent: Node; alternate?: Node | null };
  const inner = `${indent}  `;
  const branch = (b: Node): string =>
    renderList(b.type === 'BlockStatement' ? childStatements(b) : [b], decisions, kept, source, inner);
  const then = branch(n.consequent);
  const otherwise = n.alternate && hasContent(n.alternate, decisions, kept) ? branch(n.alternate) : '';
  const test = source.slice(n.test.start, n.test.end);
  if (then === '') return `${indent}if (!(${test})) {\n${otherwise}${indent}}\n`;
  return `${indent}if (${test}) {\n${then}${indent}}${otherwise ? ` else {\n${otherwise}${indent}}` : ''}\n`;
}

/** A statement's later lines, moved to `indent` (their own relative indentation kept). */
function reindent(text: string, indent: string): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  const common = Math.min(...rest.map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  const shift = Math.max(0, common - 2);
  return [lines[0], ...lines.slice(1).map((l) => (l.trim() === '' ? '' : `${indent}${l.slice(shift)}`))].join(
    '\n',
  );
}
