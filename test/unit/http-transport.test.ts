import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Agent, type Dispatcher, request } from 'undici';
import { EngineAgent } from '../../src/http/agent.js';
import type { PathRunOptions } from '../../src/http/run-path.js';
import { useLocalServer } from '../support/local-server.js';

const FIVE_MB = 5 * 1024 * 1024;
let slowOnceCalls = 0;

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/sleep': (_req, res) => {
    setTimeout(() => res.end('late'), 2000).unref();
  },
  // Late the first time only: a retry after a timeout answers at once.
  '/slow-once': (_req, res) => {
    slowOnceCalls++;
    if (slowOnceCalls === 1) setTimeout(() => res.end('late'), 2000).unref();
    else res.end('ok');
  },
  '/stall-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part...');
    setTimeout(() => res.end('rest'), 2000).unref();
  },
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < FIVE_MB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  },
  '/binary': (_req, res) =>
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])),
  '/login': (_req, res) =>
    res
      .writeHead(200, { 'set-cookie': ['sid=sess-abc123xyz; Path=/; HttpOnly', 'theme=dark; Path=/'] })
      .end('{}'),
  '/no-content': (_req, res) => res.writeHead(204).end(),
  '/port': (req, res) => res.end(String(req.socket.remotePort)),
  // Node writes header values as latin1: é is the single byte 0xe9.
  '/latin1': (_req, res) => res.writeHead(200, { 'x-name': 'café' }).end('ok'),
  '/huge-headers': (_req, res) => res.writeHead(200, { 'x-pad': 'x'.repeat(20 * 1024) }).end('ok'),
  '/hints': (_req, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  },
  '/whoami': (req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ cookie: req.headers.cookie ?? null })),
};

/** POST /orders answers handled, and POST /reset requests seen. */
let ordersAnswered = 0;
let resetsSeen = 0;
/**
 * Sockets the server closes at the next request, unanswered: what uvicorn does after an
 * unhandled 500 (it answers without `Connection: close`, then closes the connection), seen
 * by a client that sent its next request before the close reached it.
 */
const closing = new WeakSet<object>();

const failingRoutes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/crash': (req, res) => {
    closing.add(req.socket);
    res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
  },
  '/orders': (_req, res) => {
    ordersAnswered++;
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":7}');
  },
  // Resets the (fresh) connection the POST came on, unanswered.
  '/reset': (req) => {
    resetsSeen++;
    req.socket.resetAndDestroy();
  },
};
Object.assign(routes, failingRoutes);

let connections = 0;
/** The dispatcher of the describe block running now (each block makes and closes its own). */
let agent: Dispatcher;

const local = useLocalServer(
  (req, res) => {
    if (closing.has(req.socket)) return void req.socket.destroy();
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else res.writeHead(404).end();
  },
  {
    onListening: (server) =>
      server.on('connection', () => {
        connections++;
      }),
  },
);

const run = (steps: unknown[], extra: Partial<PathRunOptions> = {}) =>
  local.runSteps(steps, { dispatcher: agent, ...extra });

// The run's agent sends plain-http requests on the lean HTTP/1.1 transport and HTTPS on
// undici's Agent: the engine must behave the same on both.
const TRANSPORTS: [string, () => Dispatcher][] = [
  ['lean HTTP/1.1 (EngineAgent)', () => new EngineAgent()],
  ["undici's Agent (as for HTTPS)", () => new Agent()],
];

for (const [transport, makeAgent] of TRANSPORTS)
  describe(`transport: ${transport}`, () => {
    before(() => {
      agent = makeAgent();
    });
    after(() => agent.close());

    test('a step that does not answer in time errors with STEP_TIMEOUT, within about the timeout', async () => {
      const started = performance.now();
      const result = await run([{ name: 'slow', request: { url: '/sleep' }, timeout: '200ms' }]);
      const took = performance.now() - started;
      const step = result.steps[0];
      assert.equal(step?.status, 'error');
      assert.equal(step?.error?.code, 'STEP_TIMEOUT');
      assert.equal(step?.error?.message, `GET ${local.url}/sleep did not answer within 200 ms`);
      assert.ok(took < 1000, `took ${took} ms`);
      assert.ok((step?.duration_ms ?? 0) >= 190);
    });

    test('after a timed-out attempt, the next attempts and steps of the path get a live deadline', async () => {
      // The steps of a path share one abort signal and timer (http/deadline.ts): a timeout must
      // abort only the attempt in flight, and later requests must neither inherit the aborted
      // signal nor be cut by the earlier timer.
      slowOnceCalls = 0;
      const result = await run([
        { name: 'flaky', request: { url: '/slow-once' }, timeout: '200ms', retry: { count: 1 } },
        { name: 'next', request: { url: '/whoami' }, timeout: '200ms', expect: { status: 200 } },
        { name: 'longer', request: { url: '/whoami' }, timeout: '1s', expect: { status: 200 } },
      ]);
      assert.deepEqual(
        result.steps.map((s) => [s.name, s.status, s.attempts]),
        [
          ['flaky', 'pass', 2],
          ['next', 'pass', 1],
          ['longer', 'pass', 1],
        ],
      );
      assert.equal(result.steps[0]?.flaky, true);
    });

    test('the default step_timeout applies and also covers the body', async () => {
      const started = performance.now();
      const result = await run([{ name: 'stall', request: { url: '/stall-body' } }], {
        settings: { step_timeout: 300 },
      });
      const step = result.steps[0];
      assert.equal(step?.error?.code, 'STEP_TIMEOUT');
      assert.match(step?.error?.message ?? '', /did not send its whole body within 300 ms/);
      assert.ok(step?.ttfb_ms !== undefined && step.ttfb_ms < 300);
      assert.ok(performance.now() - started < 1500);
    });

    test('a 5 MB body with a 64 KiB limit is cut, marked truncated, and the excerpt stays small', async () => {
      const result = await run([{ name: 'huge', request: { url: '/huge' }, expect: { status: 200 } }], {
        bodyLimit: 64 * 1024,
      });
      const step = result.steps[0];
      assert.equal(step?.status, 'pass');
      assert.equal(step?.response?.truncated, true);
      assert.equal(step?.response?.size, 64 * 1024);
      assert.ok(Buffer.byteLength(step?.response?.body ?? '') <= 4096);
      assert.ok(JSON.stringify(result).length < 10_000);
    });

    test('a binary body is described, not dumped', async () => {
      const result = await run([{ name: 'img', request: { url: '/binary' } }]);
      assert.equal(result.steps[0]?.response?.body, '<7 bytes binary>');
    });

    test('cookies: the jar sends them back, a cookie capture works and is redacted', async () => {
      const result = await run([
        { name: 'login', request: { url: '/login' }, capture: { sid: { cookie: 'sid' } } },
        {
          name: 'whoami',
          request: { url: '/whoami', headers: { 'X-Session': '{{ sid }}' } },
          expect: { json: { '$.cookie': { contains: 'theme=dark' } } },
        },
        { name: 'again', request: { url: '/whoami' }, expect: { json: { '$.cookie': { match: 'sid=' } } } },
      ]);
      assert.equal(result.status, 'pass', JSON.stringify(result, null, 2));
      const text = JSON.stringify(result);
      assert.ok(!text.includes('abc123xyz'), text);
      assert.equal(result.steps[1]?.request?.headers.cookie, '[redacted]');
      assert.equal(result.steps[1]?.request?.headers['X-Session'], '[redacted]');
      // Every cookie the server sets is treated as a secret, even one no step captured.
      assert.match(result.steps[1]?.response?.body ?? '', /theme=\[redacted\]/);
    });

    test('header values read as latin1; headers over 16 KiB fail the step clearly', async () => {
      const result = await run([
        { name: 'latin1', request: { url: '/latin1' }, expect: { headers: { 'x-name': 'café' } } },
      ]);
      assert.equal(result.status, 'pass', JSON.stringify(result.steps));
      const huge = await run([{ name: 'huge', request: { url: '/huge-headers' } }]);
      assert.equal(huge.steps[0]?.status, 'error');
      assert.equal(huge.steps[0]?.error?.code, 'HTTP_INVALID_RESPONSE');
      assert.match(huge.steps[0]?.error?.message ?? '', /too large/);
    });

    test('steps of a path reuse one keep-alive connection', async () => {
      const before = connections;
      const result = await run([
        { name: 'a', request: { url: '/whoami' } },
        { name: 'b', request: { url: '/whoami' } },
        { name: 'c', request: { url: '/whoami' } },
      ]);
      assert.equal(result.status, 'pass');
      assert.ok(connections - before <= 1, `opened ${connections - before} connections`);
    });
  });

describe('the engine agent', () => {
  before(() => {
    agent = new EngineAgent();
  });
  after(() => agent.close());

  test('a 204 answer leaves its socket reusable for the next step', async () => {
    const before = connections;
    const result = await run([
      { name: 'a', request: { url: '/no-content' }, expect: { status: 204 } },
      { name: 'b', request: { url: '/no-content' }, expect: { status: 204 } },
      { name: 'c', request: { url: '/whoami' } },
    ]);
    assert.equal(result.status, 'pass', JSON.stringify(result.steps));
    assert.equal(connections - before, 1);
  });

  test('an interim 103 Early Hints answer is skipped; the step judges the real answer', async () => {
    const result = await run([
      { name: 'hints', request: { url: '/hints' }, expect: { status: 200, json: { '$.ok': true } } },
      { name: 'next', request: { url: '/whoami' } },
    ]);
    assert.equal(result.status, 'pass', JSON.stringify(result.steps));
    assert.equal(result.steps[0]?.response?.status, 200);
  });

  test("a server's Keep-Alive hint is honoured: a socket idle for longer is not reused", async () => {
    // Keep-Alive: timeout=1; the agent stops reusing an idle socket 1 s before that, i.e. at once.
    local.server.keepAliveTimeout = 1000;
    try {
      const result = await run([
        { name: 'a', request: { url: '/port' } },
        { name: 'b', request: { url: '/port' } },
      ]);
      assert.equal(result.status, 'pass');
      const [a, b] = result.steps.map((step) => step.response?.body);
      assert.ok(a && b && a !== b, `both steps came from port ${a}`);
    } finally {
      local.server.keepAliveTimeout = 5000;
    }
  });

  test("undici's own API (legacy handlers) and compose work through it", async () => {
    const seen: string[] = [];
    const composed = agent.compose((dispatch) => (options, handler) => {
      seen.push(options.path);
      return dispatch(options, handler);
    });
    const res = await request(`${local.url}/whoami`, { dispatcher: composed });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), { cookie: null });
    const viaComposed = await run([{ name: 'a', request: { url: '/whoami' } }], { dispatcher: composed });
    assert.equal(viaComposed.status, 'pass');
    assert.deepEqual(seen, ['/whoami', '/whoami']);
  });

  test('a reused socket the server closed after a 500: the next POST is sent again and gets the real answer', async () => {
    ordersAnswered = 0;
    const result = await run([
      { name: 'crash', request: { url: '/crash' }, expect: { status: 500 } },
      {
        name: 'order',
        request: { method: 'POST', url: '/orders', json: { sku: 'a' } },
        expect: { status: 201 },
      },
    ]);
    assert.equal(result.status, 'pass', JSON.stringify(result.steps));
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.response?.status, s.attempts]),
      [
        ['crash', 500, 1],
        ['order', 201, 1],
      ],
    );
    assert.equal(ordersAnswered, 1);
  });

  test('a fresh connection reset on a POST is reported as a reset, not sent again', async () => {
    // Its own agent: no idle socket from an earlier test, the POST goes on a new connection.
    const fresh = new EngineAgent();
    resetsSeen = 0;
    try {
      const result = await run([{ name: 'reset', request: { method: 'POST', url: '/reset', json: {} } }], {
        dispatcher: fresh,
      });
      assert.equal(result.steps[0]?.status, 'error');
      assert.equal(result.steps[0]?.error?.code, 'HTTP_CONNECTION_RESET');
      assert.equal(resetsSeen, 1);
    } finally {
      await fresh.close();
    }
  });
});
