// The bench's trivial Node server: the 5-step flow's routes (login, items CRUD with a
// bearer token), GET /sleep20 (answers after 20 ms) and its own timing of /sleep20,
// measured in the server from request arrival to response end with process.hrtime.bigint,
// so a client's latency figures can be compared with the server's own (GET /stats,
// POST /stats/reset). Listens on 127.0.0.1, port 0 (or PORT), prints `PORT n`.
import { createServer } from 'node:http';

const TOKEN = 'bench-token';
const items = new Map();
let nextId = 1;
/** Handler times of /sleep20, in ns (BigInt differences converted to Number). */
let sleepTimes = [];

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function stats() {
  const sorted = sleepTimes.map((ns) => ns / 1e6).sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
}

const authorized = (req) => req.headers.authorization === `Bearer ${TOKEN}`;

async function handle(req, res) {
  const url = req.url ?? '/';
  const path = url.split('?')[0];
  if (path === '/sleep20' && req.method === 'GET') {
    const start = process.hrtime.bigint();
    res.on('finish', () => sleepTimes.push(Number(process.hrtime.bigint() - start)));
    setTimeout(() => send(res, 200, { slept_ms: 20 }), 20);
    return;
  }
  if (path === '/' || path === '/healthz') return send(res, 200, { ok: true });
  if (path === '/stats' && req.method === 'GET') return send(res, 200, stats());
  if (path === '/stats/reset' && req.method === 'POST') {
    sleepTimes = [];
    return send(res, 200, { ok: true });
  }
  if (path === '/login' && req.method === 'POST') {
    const body = await readBody(req);
    if (!body?.username) return send(res, 422, { detail: 'username required' });
    return send(res, 200, { token: TOKEN });
  }
  if (path === '/items' && req.method === 'GET') return send(res, 200, [...items.values()]);
  if (path === '/items' && req.method === 'POST') {
    const body = await readBody(req);
    if (!body?.name) return send(res, 422, { detail: 'name required' });
    const item = { id: nextId++, name: body.name };
    items.set(item.id, item);
    return send(res, 201, item);
  }
  const match = /^\/items\/(\d+)$/.exec(path);
  if (match) {
    const id = Number(match[1]);
    if (req.method === 'GET')
      return items.has(id) ? send(res, 200, items.get(id)) : send(res, 404, { detail: 'not found' });
    if (req.method === 'DELETE') {
      if (!authorized(req)) return send(res, 401, { detail: 'token required' });
      return items.delete(id) ? send(res, 204) : send(res, 404, { detail: 'not found' });
    }
  }
  send(res, 404, { detail: 'not found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => send(res, 500, { detail: String(error) }));
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
