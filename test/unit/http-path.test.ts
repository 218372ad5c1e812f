import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { runCriticalPath } from '../../src/http/run-path.js';
import { CriticalPathSpec } from '../../src/plan/schema.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { sendJson as json, useLocalServer, withBody } from '../support/local-server.js';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Route> = {
  'POST /login': (_req, res, body) =>
    json(res, 200, { token: `tok-${JSON.parse(body).user}`, user: { id: 7 } }),
  'GET /me': (req, res) =>
    req.headers.authorization === 'Bearer tok-alice' ? json(res, 200, { name: 'alice' }) : json(res, 401, {}),
  'POST /orders': (req, res, body) =>
    json(res, 201, { id: 99, by: req.headers.authorization, cart: JSON.parse(body).cart, q: req.url }),
  'GET /broken': (_req, res) => json(res, 500, { error: 'boom' }),
};

const local = useLocalServer(
  withBody((req, res, body) => {
    const route = routes[`${req.method} ${(req.url ?? '').split('?')[0]}`];
    if (route) route(req, res, body);
    else json(res, 404, { error: 'no route' });
  }),
);

function scope(vars: Record<string, unknown> = {}): TemplateScope {
  return {
    env: { SHOP_USER: 'alice' },
    secret: () => undefined,
    run: { id: 'run-1', dir: '/tmp/run' },
    service: { url: local.url },
    vars: new Map(Object.entries(vars)),
    redactor: new Redactor(),
  };
}

function path(steps: unknown[], variables?: Record<string, string>) {
  return CriticalPathSpec.parse({
    name: 'checkout',
    owner: 'alice',
    expect: 'pays',
    rollback: 'none',
    steps,
    variables,
  });
}

const options = (extra: Partial<Parameters<typeof runCriticalPath>[1]> = {}) => ({
  baseUrl: local.url,
  scope: scope(),
  settings: { step_timeout: '5s' },
  signal: new AbortController().signal,
  dispatcher: local.agent,
  ...extra,
});

describe('runCriticalPath', () => {
  test('a 3-step path passes, a JSON capture feeds a later header and body', async () => {
    const result = await runCriticalPath(
      path(
        [
          {
            name: 'login',
            request: { method: 'POST', url: '/login', json: { user: '{{ env.SHOP_USER }}' } },
            expect: { status: 200, json: { '$.token': { type: 'string' } } },
            capture: { auth_value: '$.token', user_id: '$.user.id' },
          },
          {
            name: 'me',
            request: { url: '/me', headers: { Authorization: 'Bearer {{ auth_value }}' } },
            expect: { status: 200 },
          },
          {
            name: 'pay',
            request: {
              method: 'POST',
              url: 'orders',
              query: { user: '{{ user_id }}' },
              headers: { Authorization: 'Bearer {{ auth_value }}' },
              json: { cart: '{{ cart }}' },
            },
            expect: { status: 201, json: { '$.cart': 'c-1', '$.q': '/orders?user=7' } },
          },
        ],
        { cart: 'c-1' },
      ),
      options({ locate: (i) => ({ file: 'preflight.yaml', line: 10 + i, column: 9 }) }),
    );
    assert.equal(result.status, 'pass', JSON.stringify(result, null, 2));
    assert.deepEqual(
      result.steps.map((s) => s.status),
      ['pass', 'pass', 'pass'],
    );
    assert.equal(result.flaky, false);
    assert.deepEqual(result.steps[2]?.source, { file: 'preflight.yaml', line: 12, column: 9 });
    assert.equal(result.steps[0]?.attempts, 1);
    assert.ok((result.steps[0]?.ttfb_ms ?? -1) >= 0);
    assert.ok((result.steps[0]?.duration_ms ?? -1) >= (result.steps[0]?.ttfb_ms ?? 0));
    assert.equal(result.steps[0]?.request?.headers['content-type'], 'application/json');
    assert.equal(result.steps[1]?.response?.status, 200);
  });

  test('a status mismatch fails the step with expected/actual and skips the rest', async () => {
    const result = await runCriticalPath(
      path([
        { name: 'broken', request: { url: '/broken' }, expect: { status: [200, 201] } },
        { name: 'after', request: { url: '/me' } },
        { name: 'last', request: { url: '/me' } },
      ]),
      options(),
    );
    assert.equal(result.status, 'fail');
    const [first, second, third] = result.steps;
    assert.equal(first?.status, 'fail');
    assert.deepEqual(first?.failures, [
      {
        assertion: 'status',
        expected: [200, 201],
        actual: 500,
        message: 'status: expected one of 200, 201, got 500',
      },
    ]);
    assert.equal(first?.response?.body, '{"error":"boom"}');
    assert.equal(second?.status, 'skip');
    assert.equal(second?.skip_reason, 'step "broken" failed');
    assert.equal(third?.skip_reason, 'step "broken" failed');
    assert.equal(second?.attempts, 0);
  });

  test('an unknown template variable errors the step with the template code', async () => {
    const result = await runCriticalPath(
      path([
        { name: 'me', request: { url: '/me', headers: { Authorization: 'Bearer {{ nope }}' } } },
        { name: 'next', request: { url: '/me' } },
      ]),
      options(),
    );
    assert.equal(result.status, 'error');
    assert.equal(result.steps[0]?.status, 'error');
    assert.equal(result.steps[0]?.error?.code, 'TEMPLATE_UNKNOWN_VARIABLE');
    assert.match(result.steps[0]?.error?.message ?? '', /nope/);
    assert.equal(result.steps[1]?.skip_reason, 'step "me" errored');
  });

  test('connection refused errors the step with a code and a message naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await runCriticalPath(
      path([{ name: 'health', request: { url: '/healthz' } }]),
      options({ baseUrl: `http://127.0.0.1:${port}` }),
    );
    assert.equal(result.status, 'error');
    assert.equal(result.steps[0]?.error?.code, 'HTTP_CONNECTION_REFUSED');
    assert.match(
      result.steps[0]?.error?.message ?? '',
      new RegExp(`GET http://127\\.0\\.0\\.1:${port}/healthz`),
    );
    assert.equal(result.steps[0]?.request?.url, `http://127.0.0.1:${port}/healthz`);
    assert.equal(result.steps[0]?.response, undefined);
  });

  test('an already aborted signal skips every step as run cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runCriticalPath(
      path([
        { name: 'a', request: { url: '/me' } },
        { name: 'b', request: { url: '/me' } },
      ]),
      options({ signal: controller.signal }),
    );
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.skip_reason]),
      [
        ['skip', 'run cancelled'],
        ['skip', 'run cancelled'],
      ],
    );
    assert.equal(result.status, 'skip');
  });

  test('without a dispatcher, a private agent is used and closed', async () => {
    const { dispatcher: _unused, ...rest } = options();
    const result = await runCriticalPath(
      path([{ name: 'me', request: { url: '/broken' }, expect: { status: 500 } }]),
      rest,
    );
    assert.equal(result.status, 'pass');
  });

  test('each run copies the base vars: captures do not leak into the caller scope', async () => {
    const base = scope({ keep: 'x' });
    await runCriticalPath(
      path([
        {
          name: 'login',
          request: { method: 'POST', url: '/login', json: { user: 'bob' } },
          capture: { t: '$.token' },
        },
      ]),
      options({ scope: base }),
    );
    assert.deepEqual([...base.vars.keys()], ['keep']);
  });
});
