/**
 * Validation catches what run time would get wrong: a duration a timer cannot wait (above
 * 2^31 - 1 ms, which Node fires after 1 ms) in any duration of the plan, a `??` that is not
 * `{{ env.NAME ?? 'text' }}`, and YAML merge keys (supported, with positions into the anchor).
 * Integers beyond 2^53 in the plan stay exact.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { onePathYaml } from '../support/plan-text.js';

const FILE = { file: '/plans/preflight.yaml', displayName: 'preflight.yaml' };

function diagnostics(text: string): { code: string; message: string; line: number; column: number }[] {
  try {
    parsePlan(text, FILE);
    return [];
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    return error.diagnostics;
  }
}

const BASE = `version: 1
service: { name: s, start: "true", ready: GET /healthz }
${onePathYaml(`      - name: one
        request: { url: /x }
`)}`;

/** Where a duration can be, each as a small plan (DURATION is replaced). */
const DURATION_PLACES: [string, string][] = [
  ['step timeout', BASE.replace('request: { url: /x }', 'request: { url: /x }\n        timeout: DURATION')],
  [
    'retry interval',
    BASE.replace(
      'request: { url: /x }',
      'request: { url: /x }\n        retry: { count: 2, interval: DURATION }',
    ),
  ],
  ['ready_timeout', BASE.replace('ready: GET /healthz }', 'ready: GET /healthz, ready_timeout: DURATION }')],
  ['ready.timeout', BASE.replace('ready: GET /healthz }', 'ready: { path: /healthz, timeout: DURATION } }')],
  ['check timeout', `${BASE}checks:\n  lint: { run: "true", timeout: DURATION }\n`],
  ['paths.step_timeout', `${BASE}paths: { step_timeout: DURATION }\n`],
  ['metrics.duration', `${BASE}metrics: { duration: DURATION }\n`],
  ['metrics.block', `${BASE}metrics: { block: DURATION }\n`],
  ['database.timeout', `${BASE}database: { url: "sqlite:///x.db", timeout: DURATION }\n`],
  [
    'staging.command_timeout',
    `${BASE}staging: { url: "http://127.0.0.1:1", deploy: "true", rollback: "true", command_timeout: DURATION }\n`,
  ],
];

/** Durations beyond 2^31 - 1 ms, in each way the plan can write one. */
const tooLong = fc.oneof(
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.integer({ min: 2 ** 31, max: 10 ** 12 }).map((n) => `"${n}ms"`),
  fc.integer({ min: Math.ceil(2 ** 31 / 1000), max: 10 ** 9 }).map((n) => `"${n}s"`),
  fc.integer({ min: 35792, max: 10 ** 7 }).map((n) => `"${n}m"`),
);

describe('plan validation: durations', () => {
  test('a duration a timer cannot wait is a plan error in every place (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DURATION_PLACES), tooLong, ([where, plan], duration) => {
        const found = diagnostics(plan.replace('DURATION', duration));
        const error = found.find((d) => /timer cannot wait longer/.test(d.message));
        assert.ok(error, `${where} = ${duration}: ${JSON.stringify(found)}`);
        assert.ok(error.line > 1, 'it points at the duration');
      }),
      { numRuns: 400 },
    );
  });

  test('the longest a timer waits is accepted', () => {
    for (const [where, plan] of DURATION_PLACES) {
      assert.deepEqual(
        diagnostics(plan.replace('DURATION', String(2 ** 31 - 1))).filter((d) => /timer/.test(d.message)),
        [],
        where,
      );
      assert.deepEqual(diagnostics(plan.replace('DURATION', '"35791m"')), [], where);
    }
  });
});

describe('plan validation: fallbacks', () => {
  test("a ?? that is not {{ env.NAME ?? 'text' }} is a plan error with its position", () => {
    const misuse = [
      '{{ env.A ?? fallback }}',
      '{{ env.A ?? "double" }}',
      '{{ env.A ?? }}',
      "{{ ?? 'x' }}",
      "{{ env.A ?? 'a' ?? 'b' }}",
      "{{ token ?? 'x' }}",
      "{{ run.id ?? 'x' }}",
      "/x/{{ cart ?? 'none' }}/y",
    ];
    for (const template of misuse) {
      const plan = BASE.replace(
        'request: { url: /x }',
        `request: { url: ${JSON.stringify(template)} }`,
      ).replace('steps:', 'variables: { token: t, cart: c }\n    steps:');
      const found = diagnostics(plan).filter((d) => d.code === 'PLAN_TEMPLATE_FALLBACK');
      assert.equal(found.length, 1, `${template}: ${JSON.stringify(diagnostics(plan))}`);
      assert.equal(found[0]?.line, 11, template);
    }
  });

  test("{{ env.NAME ?? 'text' }} with a template in the text, and a literal ??, are fine", () => {
    for (const template of [
      "{{ env.A ?? 'sqlite:///{{ run.dir }}/x.db' }}",
      "{{ secrets.B ?? '' }}",
      'what?? /x',
    ]) {
      const plan = BASE.replace('request: { url: /x }', `request: { url: ${JSON.stringify(template)} }`);
      assert.deepEqual(diagnostics(plan), [], template);
    }
  });
});

describe('plan validation: YAML merge keys and big integers', () => {
  const MERGED = `version: 1
service: { name: s, start: "true" }
${onePathYaml(`      - name: one
        request: &req
          method: POST
          url: /orders
          headers: { X-Team: shop }
      - name: two
        request:
          <<: *req
          json: { id: 9007199254740993 }
        expect: { json: { "$.id": 9007199254740993, "$.n": { gt: 18446744073709551615 } } }
`)}`;

  test('<<: *anchor merges the mapping', () => {
    assert.deepEqual(diagnostics(MERGED), []);
    const step = parsePlan(MERGED, FILE).plan.critical_paths?.[0]?.steps[1];
    assert.equal(step?.request.method, 'POST');
    assert.equal(step?.request.url, '/orders');
    assert.deepEqual(step?.request.headers, { 'X-Team': 'shop' });
  });

  test('a merged value in error points into the anchor', () => {
    const found = diagnostics(MERGED.replace('method: POST', 'method: FETCH'));
    const methods = found.filter((d) => /method/.test(d.message));
    assert.equal(methods.length, 2, JSON.stringify(found));
    for (const d of methods) assert.equal(d.line, 11, `the line of method: FETCH: ${d.message}`);
  });

  test('integers beyond 2^53 are kept exact', () => {
    const step = parsePlan(MERGED, FILE).plan.critical_paths?.[0]?.steps[1];
    assert.deepEqual(step?.request.json, { id: 9007199254740993n });
    assert.deepEqual(step?.expect?.json, { '$.id': 9007199254740993n, '$.n': { gt: 18446744073709551615n } });
  });
});
