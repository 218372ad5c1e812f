/**
 * The pieces of the `database` check that need no service: statement shapes, placeholders
 * for `pg`, filter columns of a PostgreSQL plan, findings, parameter redaction, plan
 * changes, and the `{{ env.X ?? '...' }}` fallback the example plan uses for DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toNumbered } from '../../src/checks/database/client.js';
import { createIndex, findNPlusOne, findPlanProblems } from '../../src/checks/database/findings.js';
import { diffPlans } from '../../src/checks/database/plan-diff.js';
import { columnsIn } from '../../src/checks/database/postgres.js';
import type { DatabaseReview } from '../../src/checks/database/result.js';
import { redactParams, redactPlanLine } from '../../src/checks/database/review.js';
import { shapeOf, verbOf } from '../../src/checks/database/shape.js';
import { renderString } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';

describe('statement shapes', () => {
  test('values, placeholders and IN lists collapse; casts and names stay', () => {
    const a = shapeOf("SELECT * FROM orders WHERE note = 'a' AND id IN (1, 2, 3) LIMIT 5");
    const b = shapeOf("SELECT *\n FROM orders WHERE note = 'it''s' AND id IN (7) LIMIT 10");
    assert.equal(a, 'SELECT * FROM orders WHERE note = ? AND id IN (?) LIMIT ?');
    assert.equal(a, b);
    assert.equal(
      shapeOf('WHERE x = %(x_1)s::INTEGER AND y = :y AND z = ?'),
      'WHERE x = ?::INTEGER AND y = ? AND z = ?',
    );
    assert.notEqual(shapeOf('SELECT a FROM t1'), shapeOf('SELECT a FROM t2'));
    assert.equal(verbOf('  with x as (select 1) select * from x'), 'select');
    assert.equal(verbOf('PRAGMA foreign_keys=ON'), 'other');
  });
});

describe('placeholders for pg', () => {
  test('pyformat names become $n in first-use order, a name used twice keeps its number', () => {
    const { text, values } = toNumbered('SELECT %(b)s, %(a)s, %(b)s, 100 %% 7', { a: 1, b: 'x' });
    assert.equal(text, 'SELECT $1, $2, $1, 100 % 7');
    assert.deepEqual(values, ['x', 1]);
    assert.deepEqual(toNumbered('WHERE a = ? AND b = ?', [3, 4]), {
      text: 'WHERE a = $1 AND b = $2',
      values: [3, 4],
    });
    assert.equal(toNumbered('WHERE x = %(x)s::INTEGER', { x: 1 }).text, 'WHERE x = $1::INTEGER');
  });
});

describe('plan findings', () => {
  const context = (rows: number, indexes: string[][]) => ({
    dialect: 'postgresql' as const,
    shape: 'SELECT orders.id FROM orders WHERE orders.note = ?',
    path: 'checkout',
    step: 'pay',
    seqScanRows: 10_000,
    rows: async () => rows,
    indexes: async () => indexes,
  });

  test('filter columns come out of PostgreSQL filter expressions, literals ignored', () => {
    assert.deepEqual(columnsIn(["(((note)::text = 'a = b'::text) AND ((status)::text = 'paid'::text))"]), [
      'note',
      'status',
    ]);
    assert.deepEqual(columnsIn(['(user_id = 7)', undefined]), ['user_id']);
  });

  test('a full scan of a big table on an unindexed column is an error with the CREATE INDEX', async () => {
    const scan = {
      op: 'Seq Scan',
      scan: 'full' as const,
      table: 'orders',
      filterColumns: ['note'],
      sortColumns: [],
    };
    const [finding] = await findPlanProblems([scan], context(100_000, [['id'], ['user_id']]));
    assert.equal(finding?.kind, 'missing-index');
    assert.equal(finding?.severity, 'error');
    assert.equal(finding?.step, 'pay');
    assert.equal(finding?.suggestion, 'CREATE INDEX CONCURRENTLY ix_orders_note ON orders (note);');
    assert.deepEqual(
      await findPlanProblems([scan], context(100_000, [['note']])),
      [],
      'indexed: the planner chose',
    );
    assert.deepEqual(await findPlanProblems([scan], context(500, [])), [], 'a small table is no finding');
    assert.equal(
      createIndex('sqlite', 'orders', ['note', 'status']),
      'CREATE INDEX ix_orders_note_status ON orders (note, status);',
    );
  });

  test('estimates far from the actual rows and sorts on disk are warnings', async () => {
    const node = {
      op: 'Sort',
      filterColumns: [],
      sortColumns: ['id'],
      estimatedRows: 10,
      actualRows: 50_000,
      spilled: true,
    };
    const kinds = (await findPlanProblems([node], context(100, [['id']]))).map(
      (f) => `${f.kind}:${f.severity}`,
    );
    assert.deepEqual(kinds.sort(), ['misestimate:warning', 'sort-spill:warning']);
  });

  test('N+1 from the count of one shape in one step', () => {
    const found = findNPlusOne(
      [
        { path: 'browse', step: 'list', shape: 'SELECT x WHERE id = ?', count: 5 },
        { path: 'browse', step: 'list', shape: 'SELECT y', count: 4 },
      ],
      5,
    );
    assert.equal(found.length, 1);
    assert.equal(found[0]?.count, 5);
    assert.match(found[0]?.message ?? '', /step "list" of "browse" ran the same statement 5 times/);
  });
});

describe('parameters and plans in the result', () => {
  test('secret-looking parameters are hidden by name or by the column they fill', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-token');
    const sql = 'INSERT INTO users (email, password_hash, name) VALUES (?, ?, ?)';
    assert.deepEqual(redactParams(sql, ['a@b.c', 'pbkdf2$1$abc', 'x s3cr3t-token'], redactor), [
      'a@b.c',
      '[redacted]',
      'x [redacted]',
    ]);
    assert.deepEqual(redactParams('WHERE api_key = %(k)s', { k: 'v', password: 'p' }, redactor), {
      k: 'v',
      password: '[redacted]',
    });
    assert.deepEqual(redactParams('WHERE users.password_hash = ? AND id = ?', ['h', 3], redactor), [
      '[redacted]',
      3,
    ]);
  });

  test('plan lines hide the literals PostgreSQL inlines for secret-looking columns', () => {
    const line =
      "Seq Scan on users (rows=1) filter: (((api_token)::text = 'tok-123'::text) AND (email = 'a@b.c'))";
    assert.equal(
      redactPlanLine(line, new Redactor()),
      "Seq Scan on users (rows=1) filter: (((api_token)::text = '[redacted]'::text) AND (email = 'a@b.c'))",
    );
  });

  test('plan changes between two reviews ignore row estimates', () => {
    const review = (plan: string[]): DatabaseReview => ({
      dialect: 'postgresql',
      analyze: false,
      outside_steps: 0,
      tables: [],
      steps: [],
      plans: [{ shape: 'S', count: 1, total_ms: 1, steps: [], plan }],
      findings: [],
    });
    const seq = review(['Seq Scan on orders (rows=1)']);
    assert.deepEqual(diffPlans(seq, review(['Seq Scan on orders (rows=9)'])), []);
    const [change] = diffPlans(seq, review(['Index Scan using ix_orders_note on orders (rows=1)']));
    assert.deepEqual(change?.after, ['Index Scan using ix_orders_note on orders (rows=1)']);
  });
});

describe('template fallback', () => {
  const scope = (env: Record<string, string>) => ({
    env,
    secret: () => undefined,
    run: { id: 'r1', dir: '/runs/r1' },
    service: { url: '' },
    vars: new Map<string, unknown>(),
    redactor: new Redactor(),
  });
  test("{{ env.X ?? '...' }} is X when set, else the fallback, itself templated", () => {
    const text = "{{ env.DATABASE_URL ?? 'sqlite:///{{ run.dir }}/shop.db' }}";
    assert.equal(renderString(text, scope({ DATABASE_URL: 'postgresql://db/x' })), 'postgresql://db/x');
    assert.equal(renderString(text, scope({})), 'sqlite:////runs/r1/shop.db');
    assert.equal(renderString("a {{ env.A ?? 'b' }} {{ run.id }}", scope({})), 'a b r1');
    assert.throws(() => renderString("{{ nope ?? 'x' }}", scope({})), /not defined/);
  });
});

describe('attribution by time window (services whose requests the shim cannot see)', () => {
  test('requests with the step header leave windows; step-less statements inside one get its step', async () => {
    const { createServer } = await import('node:http');
    const { Agent, request } = await import('undici');
    const { attributeByWindow, recordWindows } = await import('../../src/checks/database/windows.js');
    const server = createServer((_, res) => setTimeout(() => res.end('ok'), 30));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const agent = new Agent();
    const windows: { label: string; start: number; end: number }[] = [];
    try {
      const dispatcher = recordWindows(agent, windows);
      for (const label of ['p/one', 'p/two']) {
        const res = await request(`http://127.0.0.1:${port}/`, {
          dispatcher,
          headers: { 'X-Preflight-Step': label },
        });
        await res.body.text();
      }
      await (await request(`http://127.0.0.1:${port}/`, { dispatcher })).body.text();
    } finally {
      await agent.close();
      server.close();
    }
    assert.deepEqual(
      windows.map((w) => w.label),
      ['p/one', 'p/two'],
    );
    const [one, two] = windows as [(typeof windows)[0], (typeof windows)[0]];
    assert.ok(one.end - one.start >= 0.02, 'the window covers the response');
    const at = (t: number, step: string | null = null) => ({ sql: 'SELECT 1', params: [], ms: 1, step, t });
    const attributed = attributeByWindow(
      [at(one.start + 0.01), at(two.start + 0.01), at(two.end + 10)],
      windows,
    );
    assert.deepEqual(
      attributed.map((s) => s.step),
      ['p/one', 'p/two', null],
    );
    const withHeader = [at(one.start + 0.01), at(two.start, 'x/y')];
    assert.deepEqual(
      attributeByWindow(withHeader, windows),
      withHeader,
      'only when the shim saw no header at all',
    );
  });
});
