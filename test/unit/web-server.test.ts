/**
 * The dashboard server on a real SQLite store and a real port: pages, headers (CSP), the
 * loopback Host check, the token (bearer, ?token= then cookie), and refusing 0.0.0.0 without one.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { RunStore } from '../../src/store/types.js';
import { isLoopbackHost, secretsEqual } from '../../src/web/auth.js';
import { type Dashboard, DashboardError, startDashboard } from '../../src/web/server.js';
import { tempDir } from '../support/cli.js';
import { goRun, noGoRun } from './report-fixtures.js';

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const TOKEN = 'a-long-enough-dashboard-token';

describe('web: the dashboard server', () => {
  let store: RunStore;
  let open: Dashboard;
  let locked: Dashboard;
  before(async () => {
    store = await openSqliteStore(path.join(await tempDir('preflight-web-'), 'history.db'));
    const go = goRun();
    go.run_id = 'run-go';
    const noGo = noGoRun();
    noGo.run_id = 'run-nogo';
    noGo.started_at = '2025-03-15T10:00:00.000Z';
    await store.recordRun({ result: go });
    await store.recordRun({
      result: noGo,
      record_md: '# Launch record: shop — NO-GO',
      logs_excerpt: 'ERROR boom',
    });
    open = await startDashboard({ store, host: '127.0.0.1', port: 0 });
    locked = await startDashboard({ store, host: '127.0.0.1', port: 0, token: TOKEN });
  });
  after(async () => {
    await open?.close();
    await locked?.close();
    await store?.close();
  });

  test('pages answer with HTML under a strict Content-Security-Policy', async () => {
    const res = await get(open.url);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /run-go/);
    assert.match(res.body, /run-nogo/);
    assert.ok(res.body.indexOf('run-nogo') < res.body.indexOf('run-go'), 'newest first');
    assert.doesNotMatch(res.body, /<script>(?!<\/script>)/, 'no inline script');
  });

  test('a run, its JSON, trends, compare and assets', async () => {
    const run = await get(`${open.url}runs/run-nogo`);
    assert.equal(run.status, 200);
    assert.match(run.body, /NO-GO/);
    assert.match(run.body, /make rollback \| tee rollback.log/);
    assert.match(run.body, /data-step="pay"/);
    assert.match(run.body, /<pre class="logs">ERROR boom<\/pre>/);
    const json = await get(`${open.url}runs/run-nogo.json`);
    assert.equal(JSON.parse(json.body).verdict, 'no-go');
    assert.equal((await get(`${open.url}runs/nope`)).status, 404);
    const trends = await get(`${open.url}trends`);
    assert.match(trends.body, /checkout: p50 \/ p95/);
    assert.match(trends.body, /id="preflight-charts"/);
    const compare = await get(`${open.url}compare?a=run-go&b=run-nogo`);
    assert.equal(compare.status, 200);
    assert.match(compare.body, /latency distribution/);
    assert.equal((await get(`${open.url}compare?a=run-go&b=nope`)).status, 404);
    const lib = await get(`${open.url}assets/uPlot.iife.min.js`);
    assert.equal(lib.status, 200);
    assert.match(String(lib.headers['content-type']), /javascript/);
    assert.match(lib.body, /uPlot/);
    assert.equal((await get(`${open.url}assets/..%2Fpackage.json`)).status, 404);
    assert.equal((await get(open.url, {}, 'POST')).status, 405);
  });

  test('a run recorded without its record text shows the launch record rendered from its result', async () => {
    // run-go was recorded as preflight records today (no record_md); run-nogo with one.
    const go = await get(`${open.url}runs/run-go`);
    assert.equal(go.status, 200);
    assert.match(go.body, /<h2>Launch record<\/h2>/);
    assert.match(go.body, /Launch record: shop 1\.4\.0 — GO/);
    const noGo = await get(`${open.url}runs/run-nogo`);
    assert.match(noGo.body, /Launch record: shop — NO-GO/, 'a kept record text is shown as kept');
  });

  test('bound to loopback, it answers only to loopback host names', async () => {
    assert.equal((await get(open.url, { host: 'evil.example:80' })).status, 403);
    assert.equal((await get(open.url, { host: 'localhost:1234' })).status, 200);
  });

  test('with a token: bearer, or ?token= once and then the cookie', async () => {
    assert.equal((await get(locked.url)).status, 401);
    assert.equal((await get(locked.url, { authorization: 'Bearer wrong-token-wrong-token' })).status, 401);
    assert.equal((await get(locked.url, { authorization: `Bearer ${TOKEN}` })).status, 200);
    const signIn = await get(`${locked.url}runs/run-go?token=${TOKEN}`);
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/runs/run-go');
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] as string;
    assert.doesNotMatch(cookie, new RegExp(TOKEN), 'the cookie holds a hash, not the token');
    assert.match(String(signIn.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await get(`${locked.url}runs/run-go`, { cookie })).status, 200);
    assert.equal((await get(`${locked.url}?token=nope`)).status, 401);
  });

  test('refuses to bind beyond loopback without a token', async () => {
    await assert.rejects(startDashboard({ store, host: '0.0.0.0', port: 0 }), DashboardError);
    assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('[::1]') && isLoopbackHost('localhost'));
    assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('192.168.1.2') && !isLoopbackHost('example.com'));
    assert.ok(secretsEqual('same', 'same') && !secretsEqual('same', 'other') && !secretsEqual('', 'x'));
  });
});
