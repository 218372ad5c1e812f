/**
 * History from the outside, on the real example shop: every `preflight run` is recorded,
 * `preflight history` lists it, `preflight serve` answers GET / with it, `--html` writes a
 * self-contained report; `--no-store`, `--store postgres://…`, two runs at once; and
 * `serve --host 0.0.0.0` refuses to start without a token.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openPostgresStore } from '../../src/store/postgres.js';
import { copyExample, runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServe } from '../support/serve.js';

const RUN_ID = /\d{8}-\d{6}-[0-9a-f]{6}/;

describe('history: store, history, serve, --html', () => {
  test('a run is recorded; history lists it; serve shows it; --html is self-contained', {
    timeout: 120_000,
  }, async () => {
    const dir = await copyExample();
    const run = await runCli(['run', '--only', 'paths', '--html', 'R.html'], { cwd: dir });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.ok(existsSync(path.join(dir, '.preflight', 'history.db')), 'recorded next to the plan');

    const history = await runCli(['history'], { cwd: dir });
    assert.equal(history.code, 0, history.stderr);
    const runId = RUN_ID.exec(history.stdout)?.[0];
    assert.ok(runId, history.stdout);
    assert.match(history.stdout, /\bGO\b/);
    assert.match(history.stdout, /1 run in \.preflight\/history\.db/);

    // From the folder above, as after `preflight run --plan shop/preflight.yaml` there.
    const served = await startServe(['--port', '0'], path.dirname(dir));
    try {
      const res = await fetch(served.url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const page = await res.text();
      assert.ok(page.includes(runId), 'GET / lists the run');
      assert.match(served.output(), /history: shop\/\.preflight\/history\.db \(1 run\)/);
    } finally {
      assert.equal(await served.stop(), 0, 'stops cleanly on SIGTERM');
    }

    const report = await readFile(path.join(dir, 'R.html'), 'utf8');
    assert.match(
      report.replaceAll('&#39;', "'"),
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    assert.match(report, /<script>[^<]*uPlot/, 'the chart library is inlined');
    assert.match(report, /id="preflight-charts"/);
    assert.match(report, /<figure class="chart" data-chart="0">/);
    assert.doesNotMatch(
      report,
      /<script[^>]+src=|<link[^>]+stylesheet|(src|href)="(https?:)?\/\//i,
      'nothing external',
    );
    assert.ok(report.includes(runId));
  });

  test('serve --host 0.0.0.0 without a token refuses to start and says how to set one', {
    timeout: 30_000,
  }, async () => {
    const dir = await copyExample();
    const res = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], {
      cwd: dir,
      env: { PREFLIGHT_TOKEN: '' },
      timeoutMs: 15_000,
    });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /token is required/);
    assert.match(res.stderr, /--token/);
    assert.match(res.stderr, /PREFLIGHT_TOKEN/);
    const short = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--token', 'short'], {
      cwd: dir,
      timeoutMs: 15_000,
    });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /too short/);

    const token = 'an-outside-token-0123456789';
    const served = await startServe(['--host', '0.0.0.0', '--port', '0'], dir, { PREFLIGHT_TOKEN: token });
    try {
      const port = new URL(served.url).port;
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 401);
      const ok = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.ok(!served.output().includes(token), 'the token is never printed');
    } finally {
      await served.stop();
    }
  });

  test('a history this preflight cannot write: the verdict and exit code stand, the store error is said', {
    timeout: 120_000,
  }, async () => {
    const dir = await copyExample();
    const file = path.join(dir, '.preflight', 'history.db');
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec(
      'CREATE TABLE preflight_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    db.exec("INSERT INTO preflight_schema VALUES (99, 'from a newer preflight', 'now')");
    db.close();
    const run = await runCli(['run', '--only', 'lint'], { cwd: dir });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /\bGO\b/);
    // Opened by the writer thread during the run; its error reaches the terminal after the verdict.
    assert.match(run.stderr, /the history store reporter failed: the history store is at schema version 99/);
  });

  test('two runs at once are both kept; --no-store keeps nothing; --store postgres:// keeps it there', {
    timeout: 120_000,
  }, async () => {
    const dir = await copyExample();
    const both = await Promise.all([
      runCli(['run', '--only', 'lint'], { cwd: dir }),
      runCli(['run', '--only', 'lint'], { cwd: dir }),
    ]);
    for (const r of both) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const listed = await runCli(['history', '--json'], { cwd: dir });
    const runs = JSON.parse(listed.stdout) as { run_id: string }[];
    assert.equal(runs.length, 2);
    assert.notEqual(runs[0]?.run_id, runs[1]?.run_id);

    const other = await copyExample();
    const none = await runCli(['run', '--only', 'lint', '--no-store'], { cwd: other });
    assert.equal(none.code, 0, none.stderr);
    assert.ok(!existsSync(path.join(other, '.preflight', 'history.db')));

    const db = await createTestDatabase();
    try {
      const pg = await runCli(['run', '--only', 'lint'], { cwd: other, env: { PREFLIGHT_STORE: db.url } });
      assert.equal(pg.code, 0, pg.stderr);
      assert.ok(!existsSync(path.join(other, '.preflight', 'history.db')));
      const store = await openPostgresStore(db.url);
      try {
        const kept = await store.listRuns();
        assert.equal(kept.length, 1);
        assert.equal(kept[0]?.service, 'shop');
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
