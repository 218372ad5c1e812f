import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { sendJson as json, scopeFor, useLocalServer, withBody } from '../support/local-server.js';

const TOKEN = 'tok_9f8e7d6c5b4a';
const PASSWORD = 'hunter2-secret-pw';
const API_KEY = 'key-1234567890';

const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/login': (_req, res) => json(res, 200, { access: TOKEN }),
  // Echoes everything it received: a careless debug endpoint.
  '/echo': (req, res, body) =>
    json(res, 200, { url: req.url, authorization: req.headers.authorization, body }),
  '/fail-echo': (req, res) => json(res, 500, { seen: req.headers.authorization }),
  '/header-token': (_req, res) => res.writeHead(200, { 'x-auth-token': 'hdr-token-abcdef' }).end('ok'),
};

const local = useLocalServer(
  withBody((req, res, body) => {
    const route = routes[(req.url ?? '').split('?')[0] ?? ''];
    if (route) route(req, res, body);
    else res.writeHead(404).end();
  }),
);

const run = (steps: unknown[]) =>
  local.runSteps(steps, { scope: scopeFor(local.url, { SHOP_PASSWORD: PASSWORD, API_KEY }) });

describe('redaction', () => {
  test('a captured secret echoed by a later response never appears in the result', async () => {
    const result = await run([
      { name: 'login', request: { url: '/login' }, capture: { access: { json: '$.access', secret: true } } },
      {
        name: 'echo',
        request: {
          method: 'POST',
          url: '/echo',
          query: { t: '{{ access }}' },
          headers: { 'X-Token': '{{ access }}' },
          body: 'token={{ access }}',
        },
        expect: { status: 200 },
      },
      // A failing step shows the token in its failure's actual value: it must be redacted too.
      { name: 'check', request: { url: '/echo?x={{ access }}' }, expect: { json: { '$.url': 'nope' } } },
    ]);
    assert.equal(result.steps[1]?.status, 'pass');
    assert.equal(result.steps[2]?.status, 'fail');
    const text = JSON.stringify(result);
    assert.ok(!text.includes(TOKEN), text);
    assert.ok(text.includes('[redacted]'));
    // The capture step's own response (where the token first appeared) is redacted after the capture.
    assert.match(result.steps[0]?.response?.body ?? '', /"access":"\[redacted\]"/);
  });

  test('the Authorization header is redacted in the request excerpt, secrets in bodies too', async () => {
    const result = await run([
      {
        name: 'echo',
        request: {
          method: 'POST',
          url: '/fail-echo',
          headers: { Authorization: 'Basic {{ secrets.API_KEY }}' },
          json: { password: '{{ secrets.SHOP_PASSWORD }}' },
        },
        expect: { status: 200 },
      },
    ]);
    const step = result.steps[0];
    assert.equal(step?.status, 'fail');
    assert.equal(step?.request?.headers.Authorization, '[redacted]');
    assert.equal(step?.request?.body, '{"password":"[redacted]"}');
    const text = JSON.stringify(result);
    assert.ok(!text.includes(PASSWORD) && !text.includes(API_KEY), text);
  });

  test('a value captured from a secret-looking name or header is registered as a secret', async () => {
    const result = await run([
      { name: 'h', request: { url: '/header-token' }, capture: { auth_token: { header: 'x-auth-token' } } },
      { name: 'echo', request: { method: 'POST', url: '/echo', body: '{{ auth_token }}' } },
    ]);
    assert.equal(result.status, 'pass');
    assert.ok(!JSON.stringify(result).includes('hdr-token-abcdef'));
  });

  test('a step that sets a secret-looking name from a plain capture registers the value', async () => {
    const result = await run([
      { name: 'login', request: { url: '/login' }, capture: { access: '$.access' } },
      {
        name: 'echo',
        set: { bearer_token: 'Bearer-{{ access }}' },
        request: { method: 'POST', url: '/echo', body: '{{ bearer_token }}' },
      },
    ]);
    assert.equal(result.status, 'pass');
    assert.ok(!JSON.stringify(result).includes(`Bearer-${TOKEN}`), JSON.stringify(result.steps[1]));
  });

  test('names of tokens without the word: jwt and bearer are secret-looking', async () => {
    for (const name of ['jwt', 'bearer']) {
      const result = await run([
        { name: 'h', request: { url: '/header-token' }, capture: { [name]: { header: 'x-auth-token' } } },
        { name: 'echo', request: { method: 'POST', url: '/echo', body: `{{ ${name} }}` } },
      ]);
      assert.equal(result.status, 'pass');
      assert.ok(!JSON.stringify(result).includes('hdr-token-abcdef'), name);
    }
  });
});
