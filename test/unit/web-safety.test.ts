/**
 * The dashboard against hostile addresses: a sign-in redirect only ever goes to a path of this
 * server (no `//host`, `/\host`, `/.//host` off-site jump with the token), a malformed address
 * is a 404 (never a 500), and a token needs 16 characters other than white space.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { RunStore } from '../../src/store/types.js';
import { tokenProblem } from '../../src/web/auth.js';
import { type Dashboard, DashboardError, startDashboard } from '../../src/web/server.js';
import { tempDir } from '../support/cli.js';
import { goRun } from './report-fixtures.js';

const TOKEN = 'a-long-enough-dashboard-token';

/** Send a raw request line (the target exactly as given, which an HTTP client would normalise). */
function rawGet(url: string, target: string): Promise<{ status: number; location: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const location = /\r\nlocation: ([^\r]*)\r\n/i.exec(data)?.[1];
      resolve({ status, location });
    });
  });
}

describe('web: the dashboard against hostile addresses', () => {
  let store: RunStore;
  let locked: Dashboard;
  let open: Dashboard;
  before(async () => {
    store = await openSqliteStore(path.join(await tempDir('preflight-web-safety-'), 'history.db'));
    const run = goRun();
    run.run_id = 'run-go';
    await store.recordRun({ result: run });
    locked = await startDashboard({ store, host: '127.0.0.1', port: 0, token: TOKEN });
    open = await startDashboard({ store, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await locked?.close();
    await open?.close();
    await store?.close();
  });

  test('after ?token= the redirect stays on this server, whatever the path (property)', async () => {
    const prefixes = ['/', '//', '/.//', '/./', '/\\', '/\\\\', '/%2F/', '/..//', '/.%2F/', '///', '/./\\/'];
    const piece = fc.constantFrom(
      'evil.example',
      'x',
      '..',
      '.',
      '%2e',
      '@evil.example',
      ':443',
      'runs',
      '%5C',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...prefixes),
        fc.array(piece, { maxLength: 4 }),
        async (prefix, parts) => {
          const target = `${prefix}${parts.join('/')}?token=${TOKEN}`;
          const res = await rawGet(locked.url, target);
          assert.notEqual(res.status, 500, target);
          if (res.status !== 303) return;
          const location = res.location ?? '';
          assert.match(location, /^\/(?![/\\])/, `${target} -> ${location}`);
          assert.equal(new URL(location, 'http://dashboard.local/').host, 'dashboard.local', location);
          assert.doesNotMatch(location, /token=/, 'the token is not passed on');
        },
      ),
      { numRuns: 200 },
    );
    const jump = await rawGet(locked.url, `/.//evil.example/x?token=${TOKEN}`);
    assert.equal(jump.status, 303);
    assert.equal(jump.location, '/evil.example/x');
  });

  test('malformed addresses are 404, never 500 (property)', async () => {
    const bad = fc.constantFrom(
      '%ZZ',
      '%',
      '%E0%A4%A',
      '%D8%00',
      '%C0%AF',
      '%ED%A0%80',
      '%F4%90%80%80',
      'a%zzb',
    );
    await fc.assert(
      fc.asyncProperty(
        bad,
        fc.constantFrom('/runs/', '/runs/x', '/'),
        fc.boolean(),
        async (seq, base, json) => {
          const target = `${base}${seq}${json ? '.json' : ''}`;
          const res = await rawGet(open.url, target);
          assert.notEqual(res.status, 500, target);
          if (base.startsWith('/runs/')) assert.equal(res.status, 404, target);
        },
      ),
      { numRuns: 100 },
    );
    assert.equal((await rawGet(open.url, '/runs/%ZZ')).status, 404);
    assert.equal((await rawGet(open.url, '/runs/run-go')).status, 200);
  });

  test('a token needs 16 characters other than white space', async () => {
    for (const weak of [' '.repeat(16), '\t'.repeat(40), `${' '.repeat(10)}abcdefghijklmno`, 'short', '']) {
      assert.ok(tokenProblem(weak), JSON.stringify(weak));
      await assert.rejects(startDashboard({ store, host: '0.0.0.0', port: 0, token: weak }), DashboardError);
    }
    assert.equal(tokenProblem('0123456789abcdef'), null);
    assert.equal(tokenProblem(TOKEN), null);
  });
});
