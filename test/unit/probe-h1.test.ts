/**
 * The probe's HTTP/1.1 transport (src/http/h1-pool.ts) against real sockets: keep-alive,
 * bodies by length, chunks and close, bodiless answers, stale sockets, refusals, garbage.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { after, describe, test } from 'node:test';
import { splitUrl } from '../../src/http/exchange.js';
import type { SendOutcome } from '../../src/http/send.js';
import { createProbeDispatcher, type ProbeDispatcher } from '../../src/probe/dispatcher.js';
import { type ProbeRequest, ProbeSender } from '../../src/probe/sender.js';

const servers: (Server | NetServer)[] = [];
after(async () => {
  for (const s of servers) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** Listen on port 0; the base URL. */
async function listen(server: Server | NetServer): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw TCP server: `answer(socket, requestNumberOnThisSocket, bytes)` for each request received. */
async function rawServer(
  answer: (socket: Socket, n: number, request: string) => void,
): Promise<{ url: string; sockets: () => number }> {
  let count = 0;
  const server = createNetServer((socket) => {
    count++;
    let n = 0;
    socket.on('data', (chunk) => answer(socket, n++, chunk.toString()));
    socket.on('error', () => {});
  });
  return { url: await listen(server), sockets: () => count };
}

function request(url: string, extra: Partial<ProbeRequest> = {}): ProbeRequest {
  return { method: 'GET', url, ...splitUrl(url), headers: {}, ...extra };
}

async function send(dispatcher: ProbeDispatcher, r: ProbeRequest): Promise<SendOutcome> {
  const sender = new ProbeSender(dispatcher, new AbortController().signal);
  try {
    return await sender.send(r, 2000, 1024 * 1024);
  } finally {
    sender.close();
  }
}

function responseOf(outcome: SendOutcome) {
  assert.equal(outcome.kind, 'response', outcome.kind === 'error' ? outcome.error.message : outcome.kind);
  return (outcome as Extract<SendOutcome, { kind: 'response' }>).response;
}

describe('probe HTTP/1.1 transport', () => {
  test('keeps one connection alive across sequential requests', async () => {
    const sockets = new Set<unknown>();
    const url = await listen(
      createHttpServer((req, res) => {
        sockets.add(req.socket);
        res.end(`hello ${req.url}`);
      }),
    );
    const d = createProbeDispatcher(4);
    for (let i = 0; i < 50; i++)
      assert.equal(responseOf(await send(d, request(`${url}/n${i}`))).text, `hello /n${i}`);
    assert.equal(sockets.size, 1);
    await d.close();
  });

  test('never opens more connections than asked for; queued requests still complete', async () => {
    const sockets = new Set<unknown>();
    const url = await listen(
      createHttpServer((req, res) => {
        sockets.add(req.socket);
        setTimeout(() => res.end('ok'), 5);
      }),
    );
    const d = createProbeDispatcher(2);
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => send(d, request(`${url}/`))));
    for (const o of outcomes) assert.equal(responseOf(o).status, 200);
    assert.equal(sockets.size, 2);
    await d.close();
  });

  test('a chunked body with repeated set-cookie headers; a POST body arrives whole', async () => {
    let received = '';
    const url = await listen(
      createHttpServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          received = `${req.method} ${req.headers['content-length']} ${body}`;
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.write('{"part":');
          setTimeout(() => res.end('"two"}'), 5);
        });
      }),
    );
    const d = createProbeDispatcher(1);
    const body = JSON.stringify({ name: 'čaj' });
    const r = responseOf(await send(d, request(`${url}/p`, { method: 'POST', body })));
    assert.equal(received, `POST ${Buffer.byteLength(body)} ${body}`);
    assert.deepEqual(r.json(), { ok: true, value: { part: 'two' } });
    assert.deepEqual(r.headerValues('set-cookie'), ['a=1', 'b=2']);
    await d.close();
  });

  test('HEAD, 204 and 304 answers end without waiting for the connection to close', async () => {
    const url = await listen(
      createHttpServer((req, res) => {
        if (req.url === '/204') res.writeHead(204).end();
        else if (req.url === '/304') res.writeHead(304).end();
        else res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? undefined : 'hello');
      }),
    );
    const d = createProbeDispatcher(1);
    assert.equal(responseOf(await send(d, request(`${url}/x`, { method: 'HEAD' }))).body.length, 0);
    assert.equal(responseOf(await send(d, request(`${url}/204`))).status, 204);
    assert.equal(responseOf(await send(d, request(`${url}/304`))).status, 304);
    assert.equal(responseOf(await send(d, request(`${url}/x`))).text, 'hello');
    await d.close();
  });

  test('a body delimited by the end of the connection, then a new connection', async () => {
    const raw = await rawServer((socket) =>
      socket.end('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end'),
    );
    const d = createProbeDispatcher(1);
    assert.equal(responseOf(await send(d, request(`${raw.url}/`))).text, 'until the end');
    assert.equal(responseOf(await send(d, request(`${raw.url}/`))).text, 'until the end');
    assert.equal(raw.sockets(), 2);
    await d.close();
  });

  test('a reused socket closed before any answer: the request is sent again on a new one, a POST too', async () => {
    // Every connection answers its first request and drops the second unanswered (as uvicorn
    // closes a connection after an unhandled 500, without `Connection: close`).
    const answered: string[] = [];
    const raw = await rawServer((socket, n, bytes) => {
      if (n > 0) return void socket.destroy();
      answered.push(bytes.split(' ')[0] ?? '');
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    const d = createProbeDispatcher(1);
    assert.equal(responseOf(await send(d, request(`${raw.url}/`))).text, 'ok');
    assert.equal(responseOf(await send(d, request(`${raw.url}/`))).text, 'ok');
    assert.equal(raw.sockets(), 2);
    const post = await send(d, request(`${raw.url}/`, { method: 'POST', body: 'x' }));
    assert.equal(responseOf(post).text, 'ok');
    assert.equal(raw.sockets(), 3);
    assert.deepEqual(answered, ['GET', 'GET', 'POST']);
    await d.close();
  });

  test('an answer that says `Connection: close` is the last on its socket, whatever its length', async () => {
    const perSocket: number[] = [];
    const raw = await rawServer((socket, n) => {
      perSocket.push(n);
      socket.write(
        'HTTP/1.1 500 Internal Server Error\r\nconnection: close\r\ncontent-length: 4\r\n\r\nboom',
      );
    });
    const d = createProbeDispatcher(1);
    assert.equal(responseOf(await send(d, request(`${raw.url}/`))).status, 500);
    assert.equal(
      responseOf(await send(d, request(`${raw.url}/`, { method: 'POST', body: 'x' }))).status,
      500,
    );
    assert.deepEqual(perSocket, [0, 0]);
    await d.close();
  });

  test('a fresh socket closed before any answer is an error, not sent again, a GET included', async () => {
    let received = 0;
    const raw = await rawServer((socket) => {
      received++;
      socket.resetAndDestroy();
    });
    for (const method of ['POST', 'GET'] as const) {
      const d = createProbeDispatcher(1);
      const outcome = await send(
        d,
        request(`${raw.url}/`, { method, ...(method === 'POST' ? { body: 'x' } : {}) }),
      );
      assert.equal(outcome.kind, 'error');
      assert.equal(outcome.kind === 'error' && outcome.error.code, 'HTTP_CONNECTION_RESET');
      await d.close();
    }
    assert.equal(received, 2);
    assert.equal(raw.sockets(), 2);
  });

  test('refused, not HTTP, a header with a line break or a bad name or value: each a clear error', async () => {
    const closed = await listen(createHttpServer());
    const port = new URL(closed).port;
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    const d = createProbeDispatcher(1);
    const refused = await send(d, request(`http://127.0.0.1:${port}/`));
    assert.equal(refused.kind === 'error' && refused.error.code, 'HTTP_CONNECTION_REFUSED');

    const garbage = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    const notHttp = await send(d, request(`${garbage.url}/`));
    assert.equal(notHttp.kind === 'error' && notHttp.error.code, 'HTTP_INVALID_RESPONSE');

    const injected = await send(d, request(`${garbage.url}/`, { headers: { 'x-a': 'b\r\nx-evil: 1' } }));
    assert.equal(injected.kind === 'error' && injected.error.code, 'HTTP_INVALID_REQUEST');
    // Refused as undici refuses them: a header name that is not a token, a value outside latin1.
    const badHeaders: Record<string, string>[] = [{ 'x a': 'b' }, { 'x-a': 'price: 5 €' }];
    for (const headers of badHeaders) {
      const bad = await send(d, request(`${garbage.url}/`, { headers }));
      assert.equal(bad.kind === 'error' && bad.error.code, 'HTTP_INVALID_REQUEST', JSON.stringify(headers));
    }
    await d.close();
  });

  test('a body that drips past the deadline ends as a step timeout and its socket is dropped', async () => {
    const raw = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n');
      const timer = setInterval(() => socket.write('x'), 50);
      socket.on('close', () => clearInterval(timer));
    });
    const d = createProbeDispatcher(1);
    const sender = new ProbeSender(d, new AbortController().signal);
    const outcome = await sender.send(request(`${raw.url}/`), 300, 1024);
    sender.close();
    assert.equal(outcome.kind === 'error' && outcome.error.code, 'STEP_TIMEOUT');
    await d.close();
  });
});
