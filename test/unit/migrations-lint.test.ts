/**
 * The migrations check's pure parts: the lint rules on offline SQL, splitting Alembic's
 * offline output per revision, and reading revision files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitOfflineSql } from '../../src/checks/migrations/alembic.js';
import { type LintOptions, lintRevisions } from '../../src/checks/migrations/lint.js';
import { parseRevision, revisionsAfter } from '../../src/checks/migrations/revisions.js';

const PG: LintOptions = { dialect: 'postgresql', requireTimeouts: true, findUsages: null };
const TIMEOUTS = "SET lock_timeout = '5s';\n\nSET statement_timeout = '60s';\n\n";

async function rules(sql: string, options: LintOptions = PG): Promise<string[]> {
  const found = await lintRevisions([{ revision: 'r1', sql }], options);
  return (found.get('r1') ?? []).map((f) => `${f.rule} ${f.severity}`);
}

describe('migration lint rules (PostgreSQL)', () => {
  it('flag each risky statement on an existing table', async () => {
    const cases: [string, string][] = [
      ['CREATE INDEX ix ON orders (status);', 'require-concurrent-index error'],
      ['CREATE UNIQUE INDEX ix ON public.orders (code);', 'require-concurrent-index error'],
      ['ALTER TABLE orders ADD COLUMN code VARCHAR(10) NOT NULL;', 'adding-not-null-without-default error'],
      ['ALTER TABLE orders ALTER COLUMN note SET NOT NULL;', 'setting-not-null error'],
      ['ALTER TABLE orders ALTER COLUMN total_cents TYPE BIGINT;', 'changing-column-type error'],
      [
        'ALTER TABLE orders ADD CONSTRAINT fk_u FOREIGN KEY(user_id) REFERENCES users (id);',
        'constraint-without-not-valid error',
      ],
      [
        'ALTER TABLE orders ADD CONSTRAINT ck CHECK (total_cents >= 0);',
        'constraint-without-not-valid error',
      ],
      ['ALTER TABLE orders ADD COLUMN ref UUID DEFAULT gen_random_uuid();', 'adding-volatile-default error'],
      [
        'ALTER TABLE orders ADD COLUMN seen TIMESTAMP DEFAULT clock_timestamp();',
        'adding-volatile-default error',
      ],
      ['ALTER TABLE orders ADD COLUMN n BIGSERIAL;', 'adding-volatile-default error'],
      [
        'ALTER TABLE orders ADD COLUMN n INTEGER GENERATED ALWAYS AS IDENTITY;',
        'adding-volatile-default error',
      ],
      [
        'ALTER TABLE orders ADD COLUMN cents INTEGER GENERATED ALWAYS AS (total * 100) STORED;',
        'adding-volatile-default error',
      ],
      ['ALTER TABLE orders ADD CONSTRAINT uq_code UNIQUE (code);', 'constraint-builds-index error'],
      ['ALTER TABLE orders ADD PRIMARY KEY (id);', 'constraint-builds-index error'],
      ['ALTER TABLE orders DROP COLUMN note;', 'dropping-column-in-use warning'],
      ['ALTER TABLE orders RENAME note TO memo;', 'renaming-column-in-use warning'],
      ['ALTER TABLE orders RENAME TO purchases;', 'renaming-table-in-use warning'],
      ['DROP TABLE orders;', 'dropping-table-in-use warning'],
    ];
    for (const [sql, rule] of cases) assert.deepEqual(await rules(TIMEOUTS + sql), [rule], sql);
  });

  it('leave the safe forms alone', async () => {
    for (const sql of [
      'CREATE INDEX CONCURRENTLY ix ON orders (status);',
      "ALTER TABLE orders ADD COLUMN code VARCHAR(10) DEFAULT 'x' NOT NULL;",
      'ALTER TABLE orders ADD COLUMN gift VARCHAR(20);',
      'ALTER TABLE orders ADD CONSTRAINT fk_u FOREIGN KEY(user_id) REFERENCES users (id) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT fk_u;',
      'ALTER TABLE orders ADD COLUMN seen TIMESTAMP DEFAULT now();',
      'ALTER TABLE orders ADD COLUMN gift BOOLEAN NOT NULL DEFAULT false;',
      'ALTER TABLE orders ADD CONSTRAINT uq_code UNIQUE USING INDEX ux_code;',
      'ALTER TABLE orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;',
    ]) {
      assert.deepEqual(await rules(TIMEOUTS + sql), [], sql);
    }
  });

  it('treat a table created in the same revision as new and empty', async () => {
    const sql = 'CREATE TABLE gifts (\n    id SERIAL NOT NULL\n);\n\nCREATE INDEX ix_gifts ON gifts (id);\n';
    assert.deepEqual(await rules(sql), []);
    // …but a table from an earlier revision as live: each revision may ship on its own.
    const found = await lintRevisions(
      [
        { revision: 'a', sql: 'CREATE TABLE gifts (id INTEGER);' },
        { revision: 'b', sql: `${TIMEOUTS}CREATE INDEX ix_gifts ON gifts (id);` },
      ],
      PG,
    );
    assert.deepEqual(
      found.get('b')?.map((f) => f.rule),
      ['require-concurrent-index'],
    );
  });

  it('want lock_timeout and statement_timeout before locking DDL, once per revision', async () => {
    assert.deepEqual(
      await rules('ALTER TABLE orders ADD COLUMN a INTEGER;\n\nALTER TABLE orders ADD COLUMN b INTEGER;'),
      ['missing-timeout warning'],
    );
    const only = await lintRevisions(
      [{ revision: 'r1', sql: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN a INTEGER;" }],
      PG,
    );
    assert.match(only.get('r1')?.[0]?.message ?? '', /without SET statement_timeout first/);
    // The one finding names every table the revision locks, not only the first.
    const two = await lintRevisions(
      [
        {
          revision: 'r2',
          sql: 'ALTER TABLE item ADD COLUMN a INTEGER;\n\nALTER TABLE "user" ADD COLUMN b INTEGER;',
        },
      ],
      PG,
    );
    assert.equal(two.get('r2')?.length, 1);
    assert.match(two.get('r2')?.[0]?.message ?? '', /locking DDL on item, "?user"? without SET/);
    assert.deepEqual(
      await rules('ALTER TABLE orders ADD COLUMN a INTEGER;', { ...PG, requireTimeouts: false }),
      [],
    );
  });

  it('name where the previous release uses a dropped column', async () => {
    const options: LintOptions = {
      ...PG,
      findUsages: async (name) =>
        name === 'note' ? [{ file: 'shop/routes/orders.py', line: 20, text: 'note=order.note,' }] : [],
    };
    const found = await lintRevisions(
      [{ revision: 'r1', sql: `${TIMEOUTS}ALTER TABLE orders DROP COLUMN note;` }],
      options,
    );
    const [drop] = found.get('r1') ?? [];
    assert.equal(drop?.severity, 'error');
    assert.match(drop?.message ?? '', /"note" at shop\/routes\/orders\.py:20 \(note=order\.note,\)/);
    assert.equal(drop?.line, 5);
    const unused = await lintRevisions(
      [{ revision: 'r1', sql: `${TIMEOUTS}ALTER TABLE orders DROP COLUMN legacy;` }],
      options,
    );
    assert.equal(unused.get('r1')?.[0]?.severity, 'warning');
  });

  it('skip CONCURRENTLY and timeouts on SQLite, and its batch-mode table copies', async () => {
    const sqlite: LintOptions = { ...PG, dialect: 'sqlite' };
    assert.deepEqual(await rules('CREATE INDEX ix ON orders (status);', sqlite), []);
    const batch =
      'CREATE TABLE _alembic_tmp_orders (id INTEGER);\nINSERT INTO _alembic_tmp_orders (id) SELECT id FROM orders;\nDROP TABLE orders;\nALTER TABLE _alembic_tmp_orders RENAME TO orders;';
    assert.deepEqual(await rules(batch, sqlite), []);
  });
});

describe('offline SQL and revision files', () => {
  it('split the offline output per revision, without Alembic bookkeeping', () => {
    const out = [
      'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.',
      'BEGIN;',
      'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);',
      '-- Running upgrade  -> 0001',
      'CREATE TABLE t (id INTEGER);',
      '',
      "INSERT INTO alembic_version (version_num) VALUES ('0001') RETURNING alembic_version.version_num;",
      'INFO  [alembic.runtime.migration] Running upgrade 0001 -> 0002, add index',
      '-- Running upgrade 0001 -> 0002',
      '',
      'CREATE INDEX ix ON t (id);',
      "UPDATE alembic_version SET version_num='0002' WHERE alembic_version.version_num = '0001';",
      'COMMIT;',
    ].join('\n');
    assert.deepEqual(
      [...splitOfflineSql(out)],
      [
        ['0001', 'CREATE TABLE t (id INTEGER);'],
        ['0002', 'CREATE INDEX ix ON t (id);'],
      ],
    );
  });

  it('read id, parents, message and whether a downgrade exists', () => {
    const text = `"""add gift\n\nRevision ID: 0003\n"""\nrevision: str = "0003"\ndown_revision: str | None = "0002"\n\n\ndef upgrade() -> None:\n    op.add_column("orders", sa.Column("gift", sa.String()))\n\n\ndef downgrade() -> None:\n    # nothing to undo\n    pass\n`;
    assert.deepEqual(parseRevision('0003_gift.py', text), {
      revision: '0003',
      down: ['0002'],
      message: 'add gift',
      file: '0003_gift.py',
      has_downgrade: false,
    });
    const merge =
      'revision = "m"\ndown_revision = ("a", "b")\n\ndef downgrade():\n    op.drop_column("t", "c")\n';
    assert.deepEqual(parseRevision('m.py', merge)?.down, ['a', 'b']);
    assert.equal(parseRevision('m.py', merge)?.has_downgrade, true);
    assert.equal(parseRevision('helpers.py', 'import os\n'), null);
  });

  it('order the revisions after the baseline, parents first', () => {
    const r = (revision: string, ...down: string[]) => ({
      revision,
      down,
      message: '',
      file: '',
      has_downgrade: true,
    });
    const all = [r('c', 'b'), r('a'), r('b', 'a'), r('d', 'c')];
    assert.deepEqual(
      revisionsAfter(all, ['b']).map((x) => x.revision),
      ['c', 'd'],
    );
    assert.deepEqual(
      revisionsAfter(all, []).map((x) => x.revision),
      ['a', 'b', 'c', 'd'],
    );
  });
});
