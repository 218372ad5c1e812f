/**
 * The variables a kept Postman script may set: the literal first argument of
 * `pm.environment.set(...)` (and `globals`, `collectionVariables`, `variables`) and of the
 * legacy `postman.setEnvironmentVariable(...)` / `setGlobalVariable(...)`, read from the
 * script's syntax tree. Used by validation: a later step may use those names.
 */
import { parse } from 'acorn';

const SCOPES = new Set(['environment', 'globals', 'collectionVariables', 'variables']);
const LEGACY = new Set(['setEnvironmentVariable', 'setGlobalVariable']);

/** Names the script sets; an unparsable script sets none that can be known. */
export function scriptSetNames(code: string): string[] {
  let tree: unknown;
  try {
    tree = parse(code, { ecmaVersion: 'latest', allowReturnOutsideFunction: true });
  } catch {
    return [];
  }
  const names = new Set<string>();
  visit(tree, (node) => {
    if (node.type !== 'CallExpression') return;
    const callee = node.callee as Node | undefined;
    const first = (node.arguments as Node[] | undefined)?.[0];
    if (callee?.type !== 'MemberExpression' || first?.type !== 'Literal' || typeof first.value !== 'string')
      return;
    const method = propertyName(callee);
    const object = callee.object as Node;
    const scope = object.type === 'MemberExpression' ? propertyName(object) : undefined;
    const owner = object.type === 'MemberExpression' ? (object.object as Node) : object;
    if (method === 'set' && scope && SCOPES.has(scope) && owner.type === 'Identifier' && owner.name === 'pm')
      names.add(first.value);
    if (method && LEGACY.has(method) && object.type === 'Identifier' && object.name === 'postman')
      names.add(first.value);
  });
  return [...names];
}

/** How many tests (`pm.test(...)`, `tests[...] =`) a kept script holds; -1 when it does not parse. */
export function countScriptTests(code: string): number {
  let tree: unknown;
  try {
    tree = parse(code, { ecmaVersion: 'latest', allowReturnOutsideFunction: true });
  } catch {
    return -1;
  }
  let n = 0;
  visit(tree, (node) => {
    const callee = node.callee as Node | undefined;
    const left = node.left as Node | undefined;
    const isTest =
      node.type === 'CallExpression' &&
      callee?.type === 'MemberExpression' &&
      (callee.object as Node).type === 'Identifier' &&
      (callee.object as Node).name === 'pm' &&
      propertyName(callee) === 'test';
    const isLegacy =
      node.type === 'AssignmentExpression' &&
      left?.type === 'MemberExpression' &&
      (left.object as Node).type === 'Identifier' &&
      (left.object as Node).name === 'tests';
    if (isTest || isLegacy) n++;
  });
  return n;
}

interface Node {
  type: string;
  [key: string]: unknown;
}

function propertyName(member: Node): string | undefined {
  const property = member.property as Node;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (property.type === 'Literal' && typeof property.value === 'string') return property.value;
  return undefined;
}

function visit(value: unknown, enter: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, enter);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Node;
  if (typeof node.type === 'string') enter(node);
  for (const [key, child] of Object.entries(node))
    if (key !== 'type' && typeof child === 'object') visit(child, enter);
}
