/**
 * The `migrations` check on copies of the example made into git repositories: v1 is tagged as
 * the baseline, then a revision is added and committed. Offline SQL from the example's real
 * Alembic, downgrade rehearsals on real PostgreSQL (a scratch database next to each test's own).
 */

import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import type { CheckResult } from '../../src/checks/result.js';
import type { RunResult } from '../../src/run/result.js';
import { addRevision } from '../support/alembic.js';
import { type CliResult, copyExample, runCli } from '../support/cli.js';
import { git } from '../support/git.js';
import { createTestDatabase, PG_ADMIN_URL } from '../support/postgres.js';
import { resultValidator } from '../support/result-schema.js';

const INDEX_SQL =
  "SET lock_timeout = '5s'; SET statement_timeout = '60s'; CREATE INDEX ix_orders_status ON orders (status)";
const WAIVER = {
  revision: '0003_orders_status',
  rule: 'require-concurrent-index',
  by: 'carol',
  reason: 'orders has 2k rows on production; the lock lasts under a second',
};

/** A copy of the example as a git repository whose tag v1 is the baseline. */
async function releasedExample(): Promise<string> {
  const app = await copyExample();
  git(app, 'init', '-q', '-b', 'main');
  commit(app, 'v1');
  git(app, 'tag', 'v1');
  return app;
}

function commit(app: string, message: string): void {
  git(app, 'add', '-A');
  git(app, 'commit', '-q', '-m', message);
}

/** Write a plan with a `database.migrations` section and run `--only migrations` on it. */
async function runMigrations(
  app: string,
  migrations: Record<string, unknown>,
  url?: string,
): Promise<{ res: CliResult; check: CheckResult; json: RunResult; record: string }> {
  const plan = {
    version: 1,
    service: { name: 'shop', owner: 'team-shop', start: 'true' },
    database: { url: url ?? 'sqlite:///{{ run.dir }}/shop.db', migrations },
  };
  await writeFile(path.join(app, 'migrations-plan.yaml'), JSON.stringify(plan));
  const res = await runCli(
    [
      'run',
      '--plan',
      'migrations-plan.yaml',
      '--only',
      'migrations',
      '--json',
      'out.json',
      '--record',
      'records',
    ],
    { cwd: app, timeoutMs: 60_000 },
  );
  const json = JSON.parse(await readFile(path.join(app, 'out.json'), 'utf8')) as RunResult;
  const validate = await resultValidator();
  assert.equal(validate(json), true, JSON.stringify(validate.errors));
  const check = json.checks.find((c) => c.kind === 'migrations');
  assert.ok(check, `${res.stdout}\n${res.stderr}`);
  const records = (await readdir(path.join(app, 'records'))).sort();
  const record = await readFile(path.join(app, 'records', records.at(-1) as string), 'utf8');
  return { res, check, json, record };
}

/**
 * Whether the scratch database this check's rehearsal used is still on the server (it must not
 * be). Other test files rehearse at the same time, so only this run's database is looked for.
 */
async function scratchLeft(check: CheckResult): Promise<boolean> {
  const name = check.migrations?.rehearsal?.scratch;
  assert.match(name ?? '', /^preflight_migrations_[0-9a-f]{10}$/, 'the rehearsal names its scratch database');
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    const rows = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rows.rowCount !== 0;
  } finally {
    await client.end();
  }
}

function findings(check: CheckResult) {
  return (check.migrations?.revisions ?? []).flatMap((r) => r.findings);
}

describe('preflight run --only migrations', () => {
  test('a non-concurrent index: blocking (NO-GO); waived in the plan: a warning (GO), the waiver in the record', async (t) => {
    const db = await createTestDatabase();
    t.after(() => db.drop());
    const app = await releasedExample();
    await addRevision(app, '0003_orders_status', INDEX_SQL, {
      downgrade: 'DROP INDEX ix_orders_status',
      message: 'orders by status',
    });
    commit(app, 'index orders by status');

    const blocked = await runMigrations(app, { baseline: 'v1', downgrade: false }, db.url);
    assert.equal(blocked.res.code, 1, `${blocked.res.stdout}\n${blocked.res.stderr}`);
    assert.equal(blocked.json.verdict, 'no-go');
    assert.equal(blocked.check.status, 'fail');
    const m = blocked.check.migrations;
    assert.deepEqual(m?.baseline.ref, 'v1');
    assert.equal(m?.baseline.revision, '0002', 'the baseline tree was at 0002');
    assert.deepEqual(
      m?.revisions.map((r) => r.revision),
      ['0003_orders_status'],
      'only the revision after v1 is new',
    );
    const [index] = findings(blocked.check);
    assert.equal(index?.rule, 'require-concurrent-index');
    assert.equal(index?.severity, 'error');
    assert.equal(index?.sql, 'CREATE INDEX ix_orders_status ON orders (status)');
    assert.equal(findings(blocked.check).length, 1, 'timeouts are set first: no missing-timeout finding');
    assert.match(blocked.res.stdout, /require-concurrent-index/);

    const waived = await runMigrations(app, { baseline: 'v1', waivers: [WAIVER] }, db.url);
    assert.equal(waived.res.code, 0, `${waived.res.stdout}\n${waived.res.stderr}`);
    assert.equal(waived.json.verdict, 'go');
    const [warning] = findings(waived.check);
    assert.equal(warning?.severity, 'warning');
    assert.deepEqual(warning?.waiver, WAIVER);
    assert.match(waived.check.summary, /1 warning \(1 waived\)/);
    const rehearsal = waived.check.migrations?.rehearsal;
    assert.equal(rehearsal?.status, 'pass', rehearsal?.summary);
    assert.equal(rehearsal?.database, 'postgresql');
    assert.deepEqual(
      rehearsal?.steps.map((s) => `${s.command} ${s.status}`),
      [
        'alembic upgrade 0002 pass',
        'alembic upgrade heads pass',
        'alembic downgrade 0002 pass',
        'alembic upgrade heads pass',
      ],
    );
    assert.match(waived.record, /## Migrations/);
    assert.match(waived.record, /### `0003_orders_status` orders by status/);
    assert.match(
      waived.record,
      /\*\*Waived\*\* by carol: orders has 2k rows on production; the lock lasts under a second/,
    );
    assert.match(waived.record, /<details><summary>SQL of 0003\\_orders\\_status<\/summary>/);
    assert.match(waived.record, /CREATE INDEX ix_orders_status ON orders \(status\);/);
    assert.equal(await scratchLeft(waived.check), false, 'the scratch database was dropped');
  });

  test('a destructive migration: the finding names the column and where the previous release uses it', async () => {
    const app = await releasedExample();
    await addRevision(app, '0003_drop_note', 'ALTER TABLE orders DROP COLUMN note', {
      downgrade: 'ALTER TABLE orders ADD COLUMN note VARCHAR(500)',
    });
    commit(app, 'contract: orders.note');
    const { res, check, record } = await runMigrations(app, { baseline: 'v1', downgrade: false });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const drop = findings(check).find((f) => f.rule === 'dropping-column-in-use');
    assert.ok(drop, JSON.stringify(findings(check)));
    assert.equal(drop.severity, 'error');
    assert.match(
      drop.message,
      /drops column orders\.note, which the previous release still uses: "note" at shop\/models\.py:\d+ \(note: Mapped/,
    );
    assert.equal(drop.sql, 'ALTER TABLE orders DROP COLUMN note');
    assert.match(record, /dropping-column-in-use/);
  });

  test('downgrade rehearsal: passes on the clean example; a missing or failing downgrade is a finding', async (t) => {
    const db = await createTestDatabase();
    t.after(() => db.drop());
    // The example's own plan (its waiver for 0002 included), on a copy that is not a git
    // repository: every revision is new.
    const clean = await copyExample();
    const res = await runCli(
      ['run', '--plan', 'preflight.yaml', '--only', 'migrations', '--json', 'out.json'],
      {
        cwd: clean,
        env: { DATABASE_URL: db.url },
        timeoutMs: 60_000,
      },
    );
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    const ok = (JSON.parse(await readFile(path.join(clean, 'out.json'), 'utf8')) as RunResult).checks[0];
    assert.match(ok?.migrations?.baseline.note ?? '', /not in a git repository: every revision is new/);
    assert.equal(ok?.migrations?.rehearsal?.status, 'pass', ok?.migrations?.rehearsal?.summary);
    assert.equal(ok?.migrations?.rehearsal?.database, 'postgresql');
    assert.equal(ok?.migrations?.rehearsal?.target, 'base');
    assert.deepEqual(
      findings(ok as CheckResult).map((f) => `${f.revision} ${f.rule} ${f.severity}`),
      ['0002 require-concurrent-index warning'],
    );

    const app = await releasedExample();
    await addRevision(app, '0003_no_down', 'ALTER TABLE orders ADD COLUMN gift VARCHAR(20)', {
      message: 'gift',
    });
    await addRevision(app, '0004_bad_down', 'ALTER TABLE orders ADD COLUMN wrap VARCHAR(20)', {
      downgrade: 'ALTER TABLE orders DROP COLUMN no_such_column',
    });
    commit(app, 'two revisions');
    const bad = await runMigrations(app, { baseline: 'v1' }, db.url);
    assert.equal(bad.res.code, 1, `${bad.res.stdout}\n${bad.res.stderr}`);
    const rules = findings(bad.check).map((f) => `${f.revision} ${f.rule}`);
    assert.ok(rules.includes('0003_no_down no-downgrade'), rules.join(', '));
    assert.ok(rules.includes('0004_bad_down downgrade-failed'), rules.join(', '));
    const failed = findings(bad.check).find((f) => f.rule === 'downgrade-failed');
    assert.match(failed?.message ?? '', /no_such_column/);
    assert.equal(bad.check.migrations?.revisions[0]?.has_downgrade, false);
    assert.deepEqual(
      bad.check.migrations?.rehearsal?.steps.map((s) => `${s.name} ${s.status}`),
      ['upgrade to the baseline pass', 'upgrade pass', 'downgrade fail'],
    );
    assert.match(bad.record, /\| downgrade \| `alembic downgrade 0002` \| 1 \|/);
    assert.equal(await scratchLeft(bad.check), false, 'the scratch database was dropped');
  });
});
