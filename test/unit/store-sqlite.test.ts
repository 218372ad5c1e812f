/**
 * The history store on SQLite (better-sqlite3, WAL): the store contract, the file's
 * integrity after a crash, and redaction of what is kept.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { recordInputOf } from '../../src/report/store-reporter.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { openSqliteDb, openSqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../support/cli.js';
import { storeContract } from '../support/store-contract.js';
import { noGoRun, SECRET } from './report-fixtures.js';

describe('history store: SQLite', () => {
  storeContract('sqlite', async () => {
    const dir = await tempDir('preflight-store-');
    const file = path.join(dir, '.preflight', 'history.db');
    return {
      location: file,
      open: () => openSqliteStore(file),
      openDb: () => openSqliteDb(file),
      cleanup: async () => {
        // The file is whole after every test, crashes included.
        const db = new Database(file, { readonly: true });
        try {
          assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
          assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        } finally {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  });

  test('what is kept is redacted: result and service log (the record text is rendered when shown)', {
    timeout: 20_000,
  }, async () => {
    const dir = await tempDir('preflight-store-');
    try {
      const result = noGoRun();
      const step = result.paths[0]?.steps.find((s) => s.name === 'pay');
      assert.ok(step?.response);
      step.response.body = `{"token": "${SECRET}"}`;
      result.reason = `failed with ${SECRET}`;
      const log = path.join(dir, 'service.log');
      writeFileSync(log, `INFO start\nWARNING leaked key=${SECRET}\nINFO done\n`);
      result.service_log = log;
      const redactor = new Redactor();
      redactor.add(SECRET);
      const store = await openSqliteStore(path.join(dir, 'history.db'));
      try {
        await store.recordRun(await recordInputOf(result, redactor));
        const got = await store.getRun(result.run_id);
        assert.ok(got?.logs_excerpt?.includes('WARNING leaked key=[redacted]'));
        assert.equal(got?.record_md, null, 'the launch record is rendered from the result, not kept');
        assert.equal(got?.result.verdict, 'no-go');
        const everything = JSON.stringify(got);
        assert.ok(!everything.includes(SECRET), 'no secret in the store');
        assert.ok(everything.includes('[redacted]'));
      } finally {
        await store.close();
      }
      const raw = new Database(path.join(dir, 'history.db'), { readonly: true });
      const all = raw.prepare('SELECT * FROM preflight_runs').all() as { result_gzip: Buffer }[];
      raw.close();
      // The result is kept compressed: what it says is read inflated.
      const rows = JSON.stringify(
        all.map((row) => ({ ...row, result_gzip: gunzipSync(row.result_gzip).toString() })),
      );
      assert.ok(rows.includes('[redacted]'), 'the inflated result is read');
      assert.ok(!rows.includes(SECRET), 'no secret in the file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
