/**
 * Helpers of the property-based (fast-check) tests: generators of YAML-ish text and of
 * plans mutated from a valid one, and the check that a diagnostic points inside its text.
 */
import fc from 'fast-check';
import type { Diagnostic } from '../../src/plan/diagnostic.js';

/** Where a diagnostic is wrong about its position in `text`, or undefined when it points inside it. */
export function badPosition(d: Diagnostic, text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  if (!Number.isInteger(d.line) || d.line < 1 || d.line > Math.max(1, lines.length))
    return `line ${d.line} of ${lines.length}`;
  const width = (lines[d.line - 1] ?? '').length;
  if (!Number.isInteger(d.column) || d.column < 1 || d.column > width + 1)
    return `column ${d.column} of a ${width}-character line ${d.line}`;
  if (!d.file) return 'no file';
  return undefined;
}

const TOKENS = [
  'version: 1',
  'service:',
  '  name: shop',
  '  start: run {port}',
  '  ready: GET /healthz',
  'critical_paths:',
  '  - name: p',
  '    owner: o',
  '    expect: e',
  '    rollback: r',
  '    steps:',
  '      - name: s',
  '        request: { url: /x }',
  '        expect: { status: 200 }',
  'checks:',
  '  lint: { run: ruff }',
  'paths: { step_timeout: 5s }',
  'variables: { a: 1 }',
  '&a [1, 2]',
  '*a',
  '<<: *a',
  '- ',
  ': ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '|',
  '>',
  '? ',
  '!!str',
  '!!binary',
  '%YAML 1.2',
  '---',
  '...',
  '\t',
  '  ',
  '{{ env.X }}',
  '{{',
  '}}',
  '\u00e9',
  '\ud83d\ude80',
  '\r\n',
  '\n',
  'null',
  '~',
];

/** Text made of YAML-ish tokens and random characters, on a few lines. */
export const yamlishText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 }), fc.constant('\n')), {
    maxLength: 60,
  })
  .map((parts) => parts.join(''));

type Json = unknown;

/** A random plan-ish value: scalars of every type, short arrays and objects. */
export const anyValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      Number.POSITIVE_INFINITY,
      '',
      '5s',
      '{{ x }}',
      'GET /',
      '{port}',
    ),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** One edit of a plan object: at a path of keys, delete, replace or add. */
export interface Mutation {
  kind: 'delete' | 'replace' | 'add';
  /** Picks among the keys at each level (modulo their count). */
  path: number[];
  key: string;
  value: Json;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'add'),
  path: fc.array(fc.nat(40), { minLength: 0, maxLength: 6 }),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('expcet', 'steps', 'owner', 'timeout', 'retry')),
  value: anyValue,
});

/** Apply `m` to a deep copy of `plan`. */
export function mutate(plan: Json, m: Mutation): Json {
  const root = structuredClone(plan) as Json;
  let node: Json = root;
  let parent: Record<string, Json> | Json[] | undefined;
  let at: string | number | undefined;
  for (const pick of m.path) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node as Record<string, Json>;
    at = keys[pick % keys.length] as string | number;
    node = (parent as Record<string | number, Json>)[at];
  }
  if (m.kind === 'add' && node && typeof node === 'object' && !Array.isArray(node))
    (node as Record<string, Json>)[m.key] = m.value;
  else if (m.kind === 'add' && Array.isArray(node)) node.push(m.value);
  else if (parent !== undefined && at !== undefined) {
    if (m.kind === 'delete' && Array.isArray(parent)) parent.splice(at as number, 1);
    else if (m.kind === 'delete') delete (parent as Record<string, Json>)[at as string];
    else (parent as Record<string | number, Json>)[at] = m.value;
  }
  return root;
}
