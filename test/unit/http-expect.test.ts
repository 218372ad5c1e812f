import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { useLocalServer } from '../support/local-server.js';

const products = {
  items: [
    { id: 1, price: 9.5, email: 'a@b.co' },
    { id: 2, price: '12', email: 'not-an-email' },
  ],
};

const routes: Record<string, (res: ServerResponse) => void> = {
  '/products': (res) =>
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60' })
      .end(JSON.stringify(products)),
  '/slow': (res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow ok'), 150);
  },
  '/page': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome to the shop</h1>'),
};

const local = useLocalServer((req, res) => {
  const route = routes[req.url ?? ''];
  if (route) route(res);
  else res.writeHead(404).end();
});

async function runOne(step: Record<string, unknown>) {
  const result = await local.runSteps([{ name: 's', ...step }]);
  const step0 = result.steps[0];
  assert.ok(step0);
  return step0;
}

const priceSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'price'],
        properties: {
          id: { type: 'integer' },
          price: { type: 'number' },
          email: { type: 'string', format: 'email' },
        },
      },
    },
  },
};

describe('expect against a live server', () => {
  test('a schema failure names the instancePath and keyword of each violation', async () => {
    const step = await runOne({
      request: { url: '/products' },
      expect: { status: 200, schema: priceSchema },
    });
    assert.equal(step.status, 'fail');
    const failures = step.failures ?? [];
    assert.deepEqual(
      failures.map((f) => f.assertion),
      ['schema /items/1/price', 'schema /items/1/email'],
    );
    assert.deepEqual(failures[0]?.expected, { keyword: 'type', params: { type: 'number' } });
    assert.equal(failures[0]?.actual, '12');
    assert.match(failures[0]?.message ?? '', /must be number \(type\), got "12"/);
    assert.match(failures[1]?.message ?? '', /format/);
  });

  test('a body that satisfies the schema passes', async () => {
    const schema = { type: 'object', properties: { items: { type: 'array', minItems: 2 } } };
    const step = await runOne({ request: { url: '/products' }, expect: { schema } });
    assert.equal(step.status, 'pass', JSON.stringify(step.failures));
  });

  test('max_ms fails on a slow route, with the measured time as actual', async () => {
    const step = await runOne({ request: { url: '/slow' }, expect: { status: 200, max_ms: 50 } });
    assert.equal(step.status, 'fail');
    const failure = step.failures?.[0];
    assert.equal(failure?.assertion, 'max_ms');
    assert.equal(failure?.expected, 50);
    assert.ok(typeof failure?.actual === 'number' && failure.actual >= 140, String(failure?.actual));
    assert.ok(step.duration_ms >= 140);
  });

  test('headers matchers, passing and failing', async () => {
    const ok = await runOne({
      request: { url: '/products' },
      expect: {
        headers: { 'Content-Type': { match: '^application/json' }, 'cache-control': { contains: 'public' } },
      },
    });
    assert.equal(ok.status, 'pass', JSON.stringify(ok.failures));
    const bad = await runOne({
      request: { url: '/products' },
      expect: { headers: { 'Cache-Control': 'no-store' } },
    });
    assert.equal(bad.status, 'fail');
    assert.deepEqual(bad.failures?.[0], {
      assertion: 'header cache-control',
      expected: 'no-store',
      actual: 'public, max-age=60',
      message: 'header cache-control: expected "no-store", got "public, max-age=60"',
    });
  });

  test('body contains and match, passing and failing', async () => {
    const ok = await runOne({
      request: { url: '/page' },
      expect: { body: { contains: 'Welcome', match: '<h1>.*shop' } },
    });
    assert.equal(ok.status, 'pass');
    const bad = await runOne({ request: { url: '/page' }, expect: { body: { contains: 'Goodbye' } } });
    assert.equal(bad.status, 'fail');
    assert.equal(bad.failures?.[0]?.assertion, 'body contains');
    assert.equal(bad.failures?.[0]?.actual, '<h1>Welcome to the shop</h1>');
  });

  test('json assertions on an HTML page fail as "not JSON"', async () => {
    const step = await runOne({ request: { url: '/page' }, expect: { json: { '$.id': { exists: true } } } });
    assert.equal(step.status, 'fail');
    assert.equal(step.failures?.[0]?.message, 'json: response body is not JSON');
  });

  test('a capture that finds nothing fails the step', async () => {
    const step = await runOne({ request: { url: '/products' }, capture: { order_id: '$.order.id' } });
    assert.equal(step.status, 'fail');
    assert.equal(step.failures?.[0]?.assertion, 'capture order_id');
    assert.match(step.failures?.[0]?.message ?? '', /\$\.order\.id matched nothing/);
  });

  test('a regex capture takes the first group', async () => {
    const result = await local.runSteps(
      [
        { name: 'page', request: { url: '/page' }, capture: { word: { regex: 'to the (\\w+)' } } },
        { name: 'use', request: { url: '/{{ word }}' }, expect: { status: 404 } },
      ],
      { settings: { step_timeout: 1000 } },
    );
    assert.equal(result.status, 'pass');
    assert.equal(result.steps[1]?.request?.url, `${local.url}/shop`);
  });
});
