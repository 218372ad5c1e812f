/** validate: a capture takes its value from exactly one source, and a `value` template names known variables. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../src/plan/diagnostic.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';

const PLAN = (captures: string[]) =>
  [
    'version: 1',
    'service: { name: tiny, url: "http://127.0.0.1:9" }',
    'critical_paths:',
    '  - name: signup',
    '    owner: o',
    '    expect: e',
    '    rollback: r',
    '    steps:',
    '      - name: create',
    '        request: { method: POST, url: /users, json: { name: Ana } }',
    '        expect: { status: 201 }',
    '        capture:',
    ...captures.map((line) => `          ${line}`),
  ].join('\n');

function diagnostics(text: string): Diagnostic[] {
  try {
    parsePlan(text, { file: '/tmp/preflight.yaml', displayName: 'preflight.yaml' });
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error.diagnostics;
  }
  return [];
}

const brief = (d: Diagnostic) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`;

describe('validate: capture sources', () => {
  test('a fixed value with its conditions is valid', () => {
    const found = diagnostics(
      PLAN([
        'user_id: $.id',
        'user_name: { value: Ana, when: { status: 201 } }',
        'label: { value: "user {{ user_id }}", unless: { status: 500 } }',
        'count: { value: 3 }',
        'none: { value: null }',
      ]),
    );
    assert.deepEqual(found.map(brief), []);
  });

  test('two sources or none are plan errors naming file:line:col', () => {
    const found = diagnostics(
      PLAN(['both: { json: $.name, value: Ana }', 'neither: { when: { status: 201 }, secret: true }']),
    );
    assert.deepEqual(found.map(brief), [
      'PLAN_CAPTURE_SOURCE preflight.yaml:13:33 capture "both" of step "create" of critical path "signup" gives 2 sources (json, value): a capture takes its value from one',
      'PLAN_CAPTURE_SOURCE preflight.yaml:14:20 capture "neither" of step "create" of critical path "signup" says nowhere to take its value from',
    ]);
    assert.equal(found[0]?.hint, 'give exactly one of json, header, cookie, regex, value');
  });

  test('a value naming a variable not defined before it is an error, with a suggestion', () => {
    const found = diagnostics(
      PLAN(['early: { value: "{{ user_id }}" }', 'user_id: $.id', 'label: { value: "user {{ user_ib }}" }']),
    );
    assert.deepEqual(found.map(brief), [
      'PLAN_UNKNOWN_VARIABLE preflight.yaml:13:27 {{ user_id }} is not defined before capture "early" of step "create" of critical path "signup"',
      'PLAN_UNKNOWN_VARIABLE preflight.yaml:15:27 {{ user_ib }} is not defined before capture "label" of step "create" of critical path "signup"',
    ]);
    assert.equal(found[1]?.hint, 'did you mean "user_id"?');
  });
});
