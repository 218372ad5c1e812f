/**
 * Plan messages (issue 19): JSONPath syntax is checked when the plan is loaded, with the
 * character it goes wrong at; TODO placeholders are counted in one line by kind.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkJsonPathSyntax } from '../../src/json/json-path.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { summarizeTodos, todoKinds } from '../../src/plan/todo.js';
import { onePathYaml } from '../support/plan-text.js';

const FILE = { file: '/plans/preflight.yaml', displayName: 'preflight.yaml' };

function planWith(steps: string): string {
  return `version: 1
service: { name: s, url: "http://127.0.0.1:9" }
${onePathYaml(steps)}`;
}

function errors(
  text: string,
): { code: string; message: string; line: number; column: number; hint?: string }[] {
  try {
    parsePlan(text, FILE);
    return [];
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return error.diagnostics.filter((d) => d.severity === 'error');
  }
}

describe('JSONPath syntax', () => {
  test('well-formed paths pass, as a run reads them', () => {
    for (const ok of [
      '$',
      '$.id',
      '$.items[0].id',
      '$..name',
      '$.items[*]',
      '$.items[-1:]',
      '$.items[0,1]',
      "$['odd-name']",
      "$['it\\'s']",
      '$["a b"]',
      '$.items.length',
      '$.items[?(@.price < 10 && @.name == "x)y")]',
      '$.items[(@.length-1)]',
      '$..[0]',
      'id',
    ])
      assert.equal(checkJsonPathSyntax(ok), null, ok);
  });

  test('malformed paths: the character and what was expected there', () => {
    assert.deepEqual(checkJsonPathSyntax('$.id['), {
      offset: 5,
      expected: '"]" to close the "[" at character 5',
    });
    assert.deepEqual(checkJsonPathSyntax('$.a]'), { offset: 3, expected: 'no "]" without a "[" before it' });
    assert.deepEqual(checkJsonPathSyntax('$.a.'), { offset: 4, expected: 'a name or * after "."' });
    assert.equal(checkJsonPathSyntax("$['a]")?.expected, "a closing ' for the name at character 3");
    assert.match(checkJsonPathSyntax('$[]')?.expected ?? '', /an index, a quoted name/);
    assert.match(checkJsonPathSyntax('$.a[?(@.b')?.expected ?? '', /"\)" to close/);
    // The filter's expression is parsed by jsonpath-plus' own (safe) parser.
    assert.match(
      checkJsonPathSyntax('$.a[?(@.b ==)]')?.expected ?? '',
      /^a valid expression \(Expected expression after ==\)$/,
    );
  });

  test('a capture with an invalid JSONPath is a plan error at its file:line:column', () => {
    const found = errors(
      planWith(`      - name: create
        request: { method: POST, url: /items }
        capture: { id: "$.id[" }
`),
    );
    assert.equal(found.length, 1, JSON.stringify(found));
    const [d] = found;
    assert.equal(d?.code, 'PLAN_JSONPATH');
    assert.match(d?.message ?? '', /invalid JSONPath "\$\.id\[" in the capture "id" of step "create"/);
    // Line 11, on the character after `[` (where "]" was expected): `        capture: { id: "$.id[" }`.
    assert.equal(d?.line, 11);
    assert.equal(d?.column, '        capture: { id: "$.id['.length + 1);
    assert.equal(d?.hint, 'expected "]" to close the "[" at character 5');
  });

  test('json keys of expect, named assertions, their conditions and retry.until are checked', () => {
    const found = errors(
      planWith(`      - name: read
        request: { url: /items }
        expect: { json: { "$.items[0": 1 } }
        retry: { count: 2, until: { json: { "$..": 1 } } }
        assertions:
          - name: has items
            json: { "$.items[]": { type: array } }
            when: [ { status: 200 }, { json: { "$[?(@.a ==)]": 1 } } ]
        capture:
          other: { json: "$.ok", unless: { json: { "$.x]": 1 } } }
`),
    );
    assert.deepEqual(
      found.map((d) => [d.code, d.line]),
      [
        ['PLAN_JSONPATH', 11],
        ['PLAN_JSONPATH', 12],
        ['PLAN_JSONPATH', 15],
        ['PLAN_JSONPATH', 16],
        ['PLAN_JSONPATH', 18],
      ],
    );
  });

  test('well-formed JSONPaths in a plan are no error', () => {
    assert.deepEqual(
      errors(
        planWith(`      - name: read
        request: { url: /items }
        expect: { json: { "$.items[0].id": { type: number }, "$.items.length": { gte: 1 } } }
        capture: { id: "$.items[0].id" }
`),
      ),
      [],
    );
  });
});

describe('TODO placeholders in one line', () => {
  const TODOS = `version: 1
service: { name: s, url: "http://127.0.0.1:9", owner: "TODO: the team" }
variables: { token: "TODO: a token", product_id: "TODO: a real product_id" }
critical_paths:
${[1, 2, 3]
  .map(
    (n) => `  - name: p${n}
    owner: "TODO: who"
    expect: "TODO: what"
    rollback: "TODO: how"
    steps:
      - name: s
        request: { method: POST, url: /x, json: { email: "TODO: a email" } }
        expect: { status: 201 }
`,
  )
  .join('')}`;

  test('counts every PLAN_TODO warning, by kind, most frequent first', () => {
    const loaded = parsePlan(TODOS, FILE);
    const warnings = loaded.warnings.filter((w) => w.code === 'PLAN_TODO').length;
    assert.equal(warnings, 15);
    assert.deepEqual(todoKinds(loaded.plan), {
      count: 15,
      kinds: ['owner', 'expect', 'rollback', 'request values', 'variables'],
    });
    assert.equal(
      summarizeTodos(loaded.plan, 'run with --verbose or `preflight validate` to list them'),
      '15 placeholders still TODO (owner, expect, rollback…): run with --verbose or `preflight validate` to list them',
    );
  });

  test('no placeholder, no line', () => {
    const plain = TODOS.replaceAll(/"TODO: [^"]*"/g, '"x"');
    assert.equal(summarizeTodos(parsePlan(plain, FILE).plan, 'x'), null);
  });
});
