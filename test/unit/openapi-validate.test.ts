/**
 * `expect: { schema: openapi }` against a tiny in-process service that serves its own
 * OpenAPI document (3.1 with $refs, or 3.0 with `nullable`), and responses that conform or not.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { StepResult } from '../../src/checks/paths/result.js';
import { pointerToJsonPath } from '../../src/openapi/check-response.js';
import { createOpenApiValidator } from '../../src/openapi/validator.js';
import { tempDir } from '../support/cli.js';
import { useLocalServer } from '../support/local-server.js';

const product = {
  type: 'object',
  required: ['id', 'name', 'price_cents'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    price_cents: { type: 'integer', minimum: 1 },
    note: { type: 'string', nullable: true },
  },
};

function documentFor(version: '3.0.3' | '3.1.0'): Record<string, unknown> {
  const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: ref } } } });
  return {
    openapi: version,
    info: { title: 't', version: '1' },
    paths: {
      '/products/{product_id}': {
        get: { responses: { '200': { description: 'ok', ...json('#/components/schemas/Product') } } },
      },
      '/products/featured': {
        get: { responses: { '200': { description: 'ok', ...json('#/components/schemas/Page') } } },
      },
      '/healthz': { get: { responses: { '204': { description: 'no content' } } } },
    },
    components: {
      schemas: {
        Product:
          version === '3.1.0'
            ? { ...product, properties: { ...product.properties, note: { type: ['string', 'null'] } } }
            : product,
        Page: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Product' } } },
        },
      },
    },
  };
}

/** What the service answers, by path; the document version is chosen per test. */
const bodies: Record<string, { status: number; type: string; body: unknown }> = {
  '/products/1': {
    status: 200,
    type: 'application/json',
    body: { id: 1, name: 'Book', price_cents: 900, note: null },
  },
  '/products/2': { status: 200, type: 'application/json', body: { id: 2, name: 'Pen', price_cents: '12' } },
  '/products/3': { status: 200, type: 'text/html', body: '<p>hi</p>' },
  '/products/5': { status: 200, type: 'application/json', body: { id: 5, name: null, price_cents: 1 } },
  '/products/4': { status: 500, type: 'application/json', body: { detail: 'boom' } },
  '/products/featured': {
    status: 200,
    type: 'application/json; charset=utf-8',
    body: { items: [{ id: 5, price_cents: 0 }] },
  },
  '/healthz': { status: 204, type: '', body: '' },
};

let version: '3.0.3' | '3.1.0' = '3.1.0';
let documentFetches = 0;

const local = useLocalServer((req, res) => {
  if (req.url === '/openapi.json') {
    documentFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documentFor(version)));
    return;
  }
  const answer = bodies[req.url ?? ''];
  if (!answer) return void res.writeHead(404).end();
  const headers = answer.type ? { 'content-type': answer.type } : {};
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, headers).end(text);
});

async function runSteps(urls: string[], openapiSource?: string, baseDir = '.'): Promise<StepResult[]> {
  const steps = urls.map((url, i) => ({ name: `s${i}`, request: { url }, expect: { schema: 'openapi' } }));
  const results: StepResult[] = [];
  // Each URL in its own path run, so a failing step does not skip the others.
  const openapi = openapiSource
    ? createOpenApiValidator({
        source: openapiSource,
        serviceUrl: local.url,
        baseDir,
        dispatcher: local.agent,
      })
    : undefined;
  for (const step of steps) {
    const r = await local.runSteps([step], openapi ? { openapi } : {});
    results.push(r.steps[0] as StepResult);
  }
  return results;
}

describe('expect: { schema: openapi }', () => {
  test('OpenAPI 3.1: a conforming response passes; a wrong type fails naming the JSON path and the rule', async () => {
    version = '3.1.0';
    const [ok, wrong] = await runSteps(['/products/1', '/products/2']);
    assert.equal(ok?.status, 'pass', JSON.stringify(ok?.failures ?? ok?.error));
    assert.equal(wrong?.status, 'fail');
    const failure = wrong?.failures?.find((f) => f.assertion === 'openapi $.price_cents');
    assert.ok(failure, JSON.stringify(wrong?.failures));
    assert.match(
      failure.message,
      /\$\.price_cents: must be integer \(rule "type" at #\/components\/schemas\/Product\/properties\/price_cents\/type of GET \/products\/\{product_id\}\), got "12"/,
    );
    assert.equal(failure.actual, '12');
  });

  test('$refs through arrays, required properties and minimum are reported per JSON path', async () => {
    version = '3.1.0';
    const [featured] = await runSteps(['/products/featured']);
    assert.equal(featured?.status, 'fail');
    const assertions = (featured?.failures ?? []).map((f) => f.assertion).sort();
    assert.deepEqual(assertions, ['openapi $.items[0].name', 'openapi $.items[0].price_cents']);
    const missing = featured?.failures?.find((f) => f.assertion === 'openapi $.items[0].name');
    assert.match(missing?.message ?? '', /is required \(rule "required"/);
  });

  test('an undocumented status and an undeclared content type fail; a documented 204 passes', async () => {
    version = '3.1.0';
    const [html, error, health] = await runSteps(['/products/3', '/products/4', '/healthz']);
    assert.match(
      html?.failures?.[0]?.message ?? '',
      /content type "text\/html" is not one that GET \/products\/\{product_id\} declares for 200/,
    );
    // The implicit 2xx/3xx of a step without expect.status fails it too; the document's verdict is its own.
    const undocumented = error?.failures?.find((f) => f.assertion === 'openapi status');
    assert.match(undocumented?.message ?? '', /status 500 is not a documented response .*documented: 200/);
    assert.ok(error?.failures?.some((f) => f.assertion === 'status' && /5xx/.test(f.message)));
    assert.equal(health?.status, 'pass', JSON.stringify(health?.failures));
  });

  test('OpenAPI 3.0: nullable is honoured and the literal path wins over the template', async () => {
    version = '3.0.3';
    const [ok, wrong, featured] = await runSteps(['/products/1', '/products/2', '/products/featured']);
    assert.equal(ok?.status, 'pass', JSON.stringify(ok?.failures ?? ok?.error));
    assert.ok(wrong?.failures?.some((f) => f.assertion === 'openapi $.price_cents'));
    // Matched to /products/featured (a Page), not /products/{product_id} (a Product).
    assert.ok(featured?.failures?.some((f) => f.assertion === 'openapi $.items[0].price_cents'));
  });

  test('a null the document does not allow: the message says how an optional field is documented', async () => {
    version = '3.0.3';
    const [wrongType, wrongNull] = await runSteps(['/products/2', '/products/5']);
    const hint = /does not allow null here: .*nullable: true.*pydantic v1/;
    const nameFailure = wrongNull?.failures?.find((f) => f.assertion === 'openapi $.name');
    assert.match(nameFailure?.message ?? '', /must be string .*got null; /);
    assert.match(nameFailure?.message ?? '', hint);
    assert.doesNotMatch(wrongType?.failures?.[0]?.message ?? '', hint, 'only for a null');
  });

  test('the document is fetched once per validator, and a file source works too', async () => {
    version = '3.1.0';
    const before = documentFetches;
    await runSteps(['/products/1', '/products/2', '/healthz'], '/openapi.json');
    assert.equal(documentFetches - before, 1);
    const dir = await tempDir();
    await writeFile(path.join(dir, 'api.json'), JSON.stringify(documentFor('3.1.0')));
    const [ok, wrong] = await runSteps(['/products/1', '/products/2'], 'api.json', dir);
    assert.equal(documentFetches - before, 1, 'a file source does not fetch');
    assert.equal(ok?.status, 'pass');
    assert.equal(wrong?.status, 'fail');
  });

  test('an unreachable document errors the step with OPENAPI_UNAVAILABLE', async () => {
    const [step] = await runSteps(['/products/1'], '/no-such-document.json');
    assert.equal(step?.status, 'error');
    assert.equal(step?.error?.code, 'OPENAPI_UNAVAILABLE');
    assert.match(step?.error?.message ?? '', /answered 404/);
  });

  test('JSON Pointers become JSON paths', () => {
    assert.equal(pointerToJsonPath(''), '$');
    assert.equal(pointerToJsonPath('/items/0/price'), '$.items[0].price');
    assert.equal(pointerToJsonPath('/a b/x~1y'), '$["a b"]["x/y"]');
  });
});
