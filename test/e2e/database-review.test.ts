/**
 * The `database` check end to end: the built CLI on a copy of the example shop, the
 * query-capture shim in the real service, real PostgreSQL (a database per test, dropped
 * after) and real SQLite; the SHOP_SCENARIO switches make the findings.
 */

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { diffPlans } from '../../src/checks/database/plan-diff.js';
import type { DatabaseFinding, DatabaseReview } from '../../src/checks/database/result.js';
import type { CheckResult } from '../../src/checks/result.js';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, patchFile, processesIn, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { resultValidator } from '../support/result-schema.js';

const dropped: TestDatabase[] = [];
const validateResult = await resultValidator();
after(async () => {
  for (const db of dropped) await db.drop();
});

interface DatabaseRun {
  code: number | null;
  check: CheckResult;
  review: DatabaseReview;
  output: string;
}

/** `preflight run --only database` on the copied example, with the given environment. */
async function runDatabase(
  dir: string,
  env: Record<string, string>,
  tag: string,
  extra: string[] = [],
): Promise<DatabaseRun> {
  const out = path.join(dir, `${tag}.json`);
  const res = await runCli(
    ['run', '--plan', 'preflight.yaml', '--only', 'database', '--json', out, ...extra],
    {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    },
  );
  const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(validateResult(result), true, `${tag}: ${JSON.stringify(validateResult.errors)}`);
  const check = result.checks.find((c) => c.id === 'database') as CheckResult;
  assert.ok(check?.database, `no database review in ${tag}:\n${res.stdout}\n${res.stderr}`);
  return { code: res.code, check, review: check.database, output: res.stdout + res.stderr };
}

function findingsOf(run: DatabaseRun, kind: DatabaseFinding['kind']): DatabaseFinding[] {
  return run.review.findings.filter((f) => f.kind === kind);
}

/** Schema and a few rows through the example's seed script, then bulk orders in SQL. */
async function seedPostgres(dir: string, url: string, orders: number): Promise<void> {
  const seed = await runScript(
    dir,
    ['scripts/seed.py', '--products', '200', '--orders', '0', '--users', '5'],
    url,
  );
  assert.equal(seed.code, 0, seed.output);
  if (orders === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO orders (user_id, status, total_cents, note, created_at)
       SELECT 1, 'delivered', 1000 + g % 5000, NULL, now() - g * interval '1 minute'
       FROM generate_series(1, $1::int) AS g`,
      [orders],
    );
    await client.query("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))");
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function runScript(
  dir: string,
  args: string[],
  url: string,
): Promise<{ code: number | null; output: string }> {
  const { runCommand } = await import('../../src/process/process.js');
  const python = path.join(dir, '.venv', 'bin', 'python');
  const outcome = await runCommand([python, ...args].join(' '), {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url },
    timeoutMs: 60_000,
    signal: new AbortController().signal,
  });
  return { code: outcome.exit_code, output: outcome.output };
}

/**
 * The example plan without its seed and with its `realistic` minimums dropped: the review runs
 * on the database the test filled (a staging-sized database), not on a seeded scratch copy.
 */
async function reviewAsIs(dir: string): Promise<string> {
  const plan = path.join(dir, 'preflight.yaml');
  await patchFile(plan, /\n {2}seed: \{[^\n]*\}/, '');
  await patchFile(plan, /\n {2}realistic: \{[^\n]*\}/, '');
  return dir;
}

describe('database review on PostgreSQL', () => {
  test('100k orders and the missing index: finding with step, statement and CREATE INDEX; gone after the index, plan change shown', async (t) => {
    const db = await createTestDatabase();
    dropped.push(db);
    const dir = await reviewAsIs(await copyExample());
    await seedPostgres(dir, db.url, 100_000);
    const env = { DATABASE_URL: db.url, SHOP_SCENARIO: 'missing-index' };

    const before = await runDatabase(dir, env, 'before');
    assert.equal(before.code, 1, before.output);
    const [missing] = findingsOf(before, 'missing-index');
    assert.ok(missing, before.output);
    assert.equal(missing.path, 'checkout');
    assert.equal(missing.step, 'pay');
    assert.equal(missing.table, 'orders');
    assert.match(missing.statement ?? '', /FROM orders WHERE orders\.note = \?/);
    assert.match(missing.suggestion ?? '', /^CREATE INDEX CONCURRENTLY \w+ ON orders \(note\b/);
    assert.match(before.output, /database\/missing-index/);

    // What the suggested migration does, applied through the driver.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE INDEX CONCURRENTLY ix_orders_note ON orders (note)');
    await client.end();

    // The run before is the baseline: the check itself shows the plan change.
    await patchFile(
      path.join(dir, 'preflight.yaml'),
      '  n_plus_one: 5\n',
      '  n_plus_one: 5\n  baseline: before.json\n',
    );
    const fixed = await runDatabase(dir, env, 'after', ['--record', 'records']);
    assert.equal(fixed.code, 0, fixed.output);
    assert.deepEqual(findingsOf(fixed, 'missing-index'), []);
    const change = fixed.review.plan_changes?.find((c) => c.shape === missing.statement);
    assert.deepEqual(
      change,
      diffPlans(before.review, fixed.review).find((c) => c.shape === missing.statement),
    );
    assert.ok(change?.before && change.after, 'the plan of the note lookup changed');
    assert.ok(
      change.before.some((l) => /Seq Scan on orders/.test(l)),
      change.before.join('\n'),
    );
    assert.ok(
      change.after.some((l) => /ix_orders_note/.test(l)),
      change.after.join('\n'),
    );
    const [record] = await readdir(path.join(dir, 'records'));
    const markdown = await readFile(path.join(dir, 'records', record as string), 'utf8');
    assert.match(markdown, /Plan changes since the baseline/);
    assert.match(markdown, /before:\n(.*\n)*.*Seq Scan on orders(.*\n)*after:\n(.*\n)*.*ix_orders_note/);
    t.diagnostic(`plan before:\n${change.before.join('\n')}\nplan after:\n${change.after.join('\n')}`);
    assert.deepEqual(processesIn(dir), []);
  });

  test('default scenario is GO, the lazy-loading route is an N+1 with count and step', async () => {
    const db = await createTestDatabase();
    dropped.push(db);
    const dir = await reviewAsIs(await copyExample());
    await seedPostgres(dir, db.url, 0);

    const clean = await runDatabase(dir, { DATABASE_URL: db.url }, 'clean');
    assert.equal(clean.code, 0, clean.output);
    assert.equal(clean.check.status, 'pass');
    assert.deepEqual(
      clean.review.findings.filter((f) => f.severity === 'error'),
      [],
    );
    const listBooks = clean.review.steps.find((s) => s.path === 'browse' && s.step === 'list books');
    assert.equal(listBooks?.statements, 2, 'a count and a page of products');

    const lazy = await runDatabase(dir, { DATABASE_URL: db.url, SHOP_SCENARIO: 'n-plus-one' }, 'lazy');
    assert.equal(lazy.code, 1, lazy.output);
    const [n1] = findingsOf(lazy, 'n-plus-one');
    assert.ok(n1, lazy.output);
    assert.equal(n1.path, 'browse');
    assert.equal(n1.step, 'list books');
    assert.equal(n1.count, 5, 'one SELECT per product listed (limit 5)');
    assert.match(n1.statement ?? '', /FROM order_items .*WHERE \?(::INTEGER)? = order_items\.product_id$/);
  });
});

describe('database review on SQLite', () => {
  test('the demo plan seeds a scratch copy to realistic volumes and is GO; N+1 and a missing index are found on it; without a seed the review is incomplete', async () => {
    const dir = await copyExample();
    const clean = await runDatabase(dir, {}, 'clean');
    assert.equal(clean.code, 0, clean.output);
    assert.equal(clean.review.dialect, 'sqlite');
    assert.equal(clean.review.seed?.kind, 'sqlite');
    assert.equal(clean.review.seed?.command.exit_code, 0);
    assert.deepEqual(findingsOf(clean, 'not-realistic'), [], 'the seed filled every realistic table');
    const orders = clean.review.tables.find((t) => t.table === 'orders');
    assert.ok((orders?.rows ?? 0) >= 100_000, JSON.stringify(clean.review.tables));
    assert.deepEqual(
      clean.check.coverage?.map((c) => [c.what, c.covered === c.asked]),
      [
        ['critical paths captured', true],
        ['steps captured', true],
        ['tables at realistic volume', true],
      ],
    );
    assert.ok(clean.review.plans.some((p) => p.plan.some((l) => /SEARCH products/.test(l))));

    const lazy = await runDatabase(dir, { SHOP_SCENARIO: 'n-plus-one' }, 'lazy');
    assert.equal(lazy.code, 1, lazy.output);
    assert.equal(findingsOf(lazy, 'n-plus-one')[0]?.count, 5);

    // On the seeded 100k orders the note lookup of the missing-index scenario is a full scan.
    const missing = await runDatabase(dir, { SHOP_SCENARIO: 'missing-index' }, 'missing');
    assert.equal(missing.code, 1, missing.output);
    const [finding] = findingsOf(missing, 'missing-index');
    assert.equal(finding?.step, 'pay');
    assert.match(finding?.suggestion ?? '', /^CREATE INDEX \w+ ON orders \(note\b/);
    assert.match(missing.output, /NO-GO/);

    // The same plan without its seed reviews the fresh database: two rows of orders are not 100,000.
    await patchFile(path.join(dir, 'preflight.yaml'), /\n {2}seed: \{[^\n]*\}/, '');
    const unseeded = await runDatabase(dir, {}, 'unseeded');
    assert.equal(unseeded.code, 1, unseeded.output);
    assert.equal(unseeded.check.status, 'error');
    assert.equal(unseeded.check.error?.code, 'INCOMPLETE_COVERAGE');
    assert.match(unseeded.check.summary, /database\.realistic tables? (is|are) below/);
    assert.match(unseeded.check.summary, /orders: \d+ of 100000 rows/);
    assert.match(unseeded.check.summary, /database\.seed/);
    assert.doesNotMatch(unseeded.check.summary, /scripts\/seed\.py/, 'hints never name the example project');
    assert.match(unseeded.output, /NO-GO .*covered less than the plan asks/);
    assert.deepEqual(processesIn(dir), []);
  });
});
