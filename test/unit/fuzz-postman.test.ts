/**
 * Property-based tests (fast-check) of the Postman importer: on any parsed JSON, reading
 * a collection either works or throws a CollectionError that says where (which item);
 * a collection that reads converts, renders and validates as a plan, with no exception.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { renderPlan } from '../../src/ecosystem/init/render.js';
import { CollectionError, readCollection, readEnvironment } from '../../src/ecosystem/postman/collection.js';
import { convertCollection } from '../../src/ecosystem/postman/convert.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { anyValue, badPosition } from '../support/fuzz.js';

/** Generated cases: 1,000 arbitrary values, 1,000 collection-shaped ones. */
const RUNS = { arbitrary: 1000, shaped: 1000 };

const SCRIPT_LINES = [
  'pm.test("ok", function () {',
  '});',
  'pm.response.to.have.status(200);',
  'pm.expect(pm.response.code).to.eql(201);',
  'pm.expect(pm.response.json().items.length).to.be.above(0);',
  'pm.expect(pm.response.json()["a b"]).to.eql("x");',
  'pm.environment.set("token", pm.response.json().token);',
  'pm.collectionVariables.set("id", pm.response.json().items[0].id);',
  'var data = pm.response.json();',
  'pm.expect(data.name).to.be.a("string");',
  'pm.expect(pm.response.headers.get("Content-Type")).to.include("json");',
  'pm.expect(pm.response.responseTime).to.be.below(500);',
  'pm.expect(pm.response.text()).to.include(',
  'pm.expect(',
  'postman.setEnvironmentVariable("x", 1)',
  'tests["a"] = responseCode.code === 200;',
  'if (pm.response.code === 200) {',
  '} else {',
  '}',
  'var user = JSON.parse(responseBody).user || {};',
  'tests["b"] = user.hasOwnProperty("id");',
  'if (tests["b"]) { pm.globals.set("id", user.id); }',
  'pm.test("c", () => pm.expect(user.id).to.eql(pm.globals.get("id")));',
  '{{',
];

const kv = fc.record(
  {
    key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('baseUrl', 'token', 'password', 'api_key')),
    value: anyValue,
  },
  { requiredKeys: [] },
);
const url = fc.oneof(
  fc.constantFrom(
    '{{baseUrl}}/products',
    'https://api.example.test/a/:id?x=1',
    '/relative',
    '{{',
    '',
    'http://h/{{x}}',
  ),
  fc.string({ maxLength: 12 }),
  fc.record(
    { raw: fc.string({ maxLength: 12 }), query: fc.array(kv, { maxLength: 2 }) },
    { requiredKeys: [] },
  ),
);
const script = fc.record({
  listen: fc.constantFrom('test', 'prerequest', 'other'),
  script: fc.record({
    exec: fc.array(fc.oneof(fc.constantFrom(...SCRIPT_LINES), fc.string({ maxLength: 10 })), {
      maxLength: 4,
    }),
  }),
});
const auth = fc.record({
  type: fc.constantFrom('bearer', 'basic', 'apikey', 'noauth', 'oauth2', 'x'),
  bearer: fc.array(kv, { maxLength: 2 }),
  basic: fc.array(kv, { maxLength: 2 }),
});
const request = fc.record(
  {
    method: fc.constantFrom('GET', 'POST', 'put', 'DELETE', 'PATCH', '', 'X Y'),
    url,
    header: fc.array(kv, { maxLength: 3 }),
    body: fc.record(
      {
        mode: fc.constantFrom('raw', 'urlencoded', 'formdata', 'graphql', 'file'),
        raw: fc.oneof(fc.constantFrom('{"a": {{n}}}', '{"a": 1}', 'not json'), fc.string({ maxLength: 10 })),
        urlencoded: fc.array(kv, { maxLength: 2 }),
        graphql: fc.record({ query: fc.string({ maxLength: 10 }) }),
      },
      { requiredKeys: [] },
    ),
    auth,
  },
  { requiredKeys: [] },
);
const item = fc.letrec<{ item: unknown }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small' },
    fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 8 }), anyValue),
        request: fc.oneof(request, fc.string()),
        event: fc.array(script, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      { name: fc.string({ maxLength: 8 }), item: fc.array(tie('item'), { maxLength: 3 }), auth },
      { requiredKeys: [] },
    ),
  ),
})).item;
const collection = fc.record(
  {
    info: fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 8 }), anyValue),
        schema: fc.constantFrom(
          'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
          'v1',
          '',
        ),
      },
      { requiredKeys: [] },
    ),
    item: fc.array(item, { maxLength: 4 }),
    variable: fc.array(kv, { maxLength: 3 }),
    auth,
    event: fc.array(script, { maxLength: 1 }),
  },
  { requiredKeys: ['item'] },
);

/** Import `value` as the CLI does; fails the property on any exception but a CollectionError. */
function importOrCollectionError(generated: unknown, generatedEnvironment: unknown): void {
  // As read from a file: JSON.parse never makes null-prototype objects, Infinity or undefined.
  const value = asJson(generated);
  const environment = asJson(generatedEnvironment);
  let result: ReturnType<typeof convertCollection>;
  try {
    const read = readCollection(value);
    const env = environment === undefined ? [] : readEnvironment(environment);
    result = convertCollection(read, { environment: env });
  } catch (error) {
    if (!(error instanceof CollectionError)) throw error;
    assert.equal(error.code, 'POSTMAN_INVALID');
    assert.ok(error.message.length > 10);
    return;
  }
  const text = renderPlan(result.plan, { planFile: '/tmp/imported.yaml', header: result.notes });
  try {
    parsePlan(text, { file: '/tmp/imported.yaml', displayName: 'imported.yaml' });
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    for (const d of error.diagnostics) assert.equal(badPosition(d, text), undefined);
    assert.fail(
      `the imported plan is invalid: ${error.diagnostics.map((d) => d.message).join('; ')}\n${text}`,
    );
  }
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value) ?? 'null');
}

describe('fuzzed Postman collections', () => {
  test(`any JSON value: a plan or a CollectionError (${RUNS.arbitrary} cases)`, () => {
    fc.assert(fc.property(anyValue, fc.option(anyValue, { nil: undefined }), importOrCollectionError), {
      numRuns: RUNS.arbitrary,
      seed: 21,
    });
  });

  test(`collection-shaped values: imported as a valid plan, or a CollectionError (${RUNS.shaped} cases)`, () => {
    const environment = fc.option(fc.record({ values: fc.array(kv, { maxLength: 3 }) }), { nil: undefined });
    fc.assert(fc.property(collection, environment, importOrCollectionError), {
      numRuns: RUNS.shaped,
      seed: 22,
    });
  });
});
