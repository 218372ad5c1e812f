/**
 * The syntax tree of a Postman script (acorn) and the few walks the converter needs: every
 * node, the identifiers a node reads, the tests a node holds.
 */
import { type Node, type Program, parse } from 'acorn';

/** Parse a script as Postman runs it (a function body: top-level `return` is allowed). */
export function parseScript(source: string): { ok: true; program: Program } | { ok: false; why: string } {
  try {
    const program = parse(source, {
      ecmaVersion: 'latest',
      allowReturnOutsideFunction: true,
      locations: true,
    });
    return { ok: true, program };
  } catch (error) {
    return { ok: false, why: `the script does not parse: ${(error as Error).message}` };
  }
}

type Visitor = (node: Node, parent: Node | undefined, key: string) => void;

/** Visit every node under `root` (itself included), parents before children. */
export function visit(root: Node, enter: Visitor): void {
  const walk = (node: Node, parent: Node | undefined, key: string): void => {
    enter(node, parent, key);
    for (const [k, child] of Object.entries(node)) {
      if (k === 'loc' || k === 'type') continue;
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) walk(item, node, k);
      } else if (isNode(child)) walk(child, node, k);
    }
  };
  walk(root, undefined, '');
}

function isNode(value: unknown): value is Node {
  return (
    value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The names a node reads (identifiers that are not property names or object keys). */
export function readNames(root: Node): Set<string> {
  const names = new Set<string>();
  visit(root, (node, parent, key) => {
    if (node.type !== 'Identifier') return;
    const p = parent as { computed?: boolean; shorthand?: boolean; type?: string } | undefined;
    if (p?.type === 'MemberExpression' && key === 'property' && !p.computed) return;
    if (p?.type === 'Property' && key === 'key' && !p.computed && !p.shorthand) return;
    names.add((node as unknown as { name: string }).name);
  });
  return names;
}

/** How many assertions (`pm.test(...)` calls and `tests[...] =` assignments) a node holds. */
export function countTests(root: Node): number {
  let n = 0;
  visit(root, (node) => {
    if (isPmTest(node) || isTestsAssignment(node)) n++;
  });
  return n;
}

/** `pm.test(...)`. */
export function isPmTest(node: Node): boolean {
  const n = node as {
    type: string;
    callee?: { type: string; object?: { type: string; name?: string }; property?: { name?: string } };
  };
  return (
    n.type === 'CallExpression' &&
    n.callee?.type === 'MemberExpression' &&
    n.callee.object?.type === 'Identifier' &&
    n.callee.object.name === 'pm' &&
    n.callee.property?.name === 'test'
  );
}

/** `tests[...] = ...`. */
export function isTestsAssignment(node: Node): boolean {
  const n = node as {
    type: string;
    operator?: string;
    left?: { type: string; object?: { type: string; name?: string } };
  };
  return (
    n.type === 'AssignmentExpression' &&
    n.operator === '=' &&
    n.left?.type === 'MemberExpression' &&
    n.left.object?.type === 'Identifier' &&
    n.left.object.name === 'tests'
  );
}
