/**
 * The migrations check's result in the reports: accepted by the result schema, documented
 * revision by revision in the launch record, summed up in the terminal.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { MigrationsResult } from '../../src/checks/migrations/result.js';
import { loadKindReports } from '../../src/checks/registry.js';
import { renderRecord } from '../../src/report/record.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult } from '../../src/run/result.js';
import { resultValidator } from '../support/result-schema.js';
import { goRun } from './report-fixtures.js';

const WAIVER = {
  revision: '0003',
  rule: 'require-concurrent-index',
  reason: 'orders has 2k rows',
  by: 'carol',
};

function migrations(): MigrationsResult {
  return {
    tool: 'alembic',
    dialect: 'postgresql',
    baseline: { ref: 'v1', commit: '3f2a9c1e5b7d4a6c8e0f', revision: '0002' },
    head: ['0004'],
    waivers: [WAIVER],
    revisions: [
      {
        revision: '0003',
        down_revision: '0002',
        message: 'orders by status',
        file: 'migrations/versions/0003_status.py',
        sql: 'CREATE INDEX ix_orders_status ON orders (status);',
        has_downgrade: true,
        findings: [
          {
            rule: 'require-concurrent-index',
            revision: '0003',
            severity: 'warning',
            message: 'CREATE INDEX without CONCURRENTLY on orders',
            sql: 'CREATE INDEX ix_orders_status ON orders (status)',
            line: 1,
            waiver: WAIVER,
          },
        ],
      },
      {
        revision: '0004',
        down_revision: '0003',
        message: 'gift',
        file: 'migrations/versions/0004_gift.py',
        sql: 'ALTER TABLE orders ADD COLUMN gift VARCHAR(20);',
        has_downgrade: false,
        findings: [
          {
            rule: 'no-downgrade',
            revision: '0004',
            severity: 'error',
            message: 'revision 0004 has no downgrade',
          },
        ],
      },
    ],
    rehearsal: {
      status: 'fail',
      database: 'postgresql',
      target: '0002',
      summary: 'upgrade again failed on a scratch PostgreSQL database',
      steps: [
        { name: 'upgrade', command: 'alembic upgrade heads', exit_code: 0, duration_ms: 210, status: 'pass' },
        {
          name: 'downgrade',
          command: 'alembic downgrade 0002',
          exit_code: 0,
          duration_ms: 90,
          status: 'pass',
        },
        {
          name: 'upgrade again',
          command: 'alembic upgrade heads',
          exit_code: 1,
          duration_ms: 120,
          status: 'fail',
          output_tail: 'DuplicateColumn: column "gift" already exists',
        },
      ],
    },
  };
}

function run(): RunResult {
  const result = goRun();
  result.checks.push({
    id: 'migrations',
    kind: 'migrations',
    status: 'fail',
    blocking: true,
    duration_ms: 4200,
    summary: '2 new migrations since v1 (0003, 0004); 1 blocking finding: no-downgrade in 0004',
    migrations: migrations(),
  });
  return result;
}

describe('migrations in the reports', () => {
  it('are accepted by schema/result.schema.json', async () => {
    const validate = await resultValidator();
    assert.equal(validate(JSON.parse(JSON.stringify(run()))), true, JSON.stringify(validate.errors));
  });

  it('document each revision in the launch record: SQL, findings, waiver, downgrade, rehearsal', async () => {
    const result = run();
    const record = renderRecord(result, await loadKindReports(result));
    assert.match(record, /## Migrations/);
    assert.match(record, /\*\*Baseline:\*\* `v1` \(`3f2a9c1e5b7d`\), Alembic head `0002`/);
    assert.match(record, /\| `0004` \| gift \| \*\*no\*\* \| \*\*1 blocking\*\* \|/);
    assert.match(record, /\| `0003` \| orders by status \| yes \| 1 warning \(1 waived\) \|/);
    assert.match(record, /- \*\*Waived\*\* by carol: orders has 2k rows/);
    assert.match(
      record,
      /<details><summary>SQL of 0003<\/summary>\n\n```sql\nCREATE INDEX ix_orders_status ON orders \(status\);\n```\n\n<\/details>/,
    );
    assert.match(record, /### Downgrade rehearsal: \*\*fail\*\*/);
    assert.match(record, /\| upgrade again \| `alembic upgrade heads` \| 1 \| 120 ms \| \*\*fail\*\* \|/);
    assert.match(record, /DuplicateColumn: column "gift" already exists/);
  });

  it('sum up the revisions, the waived findings and the rehearsal in the terminal', async () => {
    const result = run();
    const kinds = await loadKindReports(result);
    const text = renderSummary(result, { colors: pc.createColors(false), verbose: false, kinds }).join('\n');
    assert.match(text, /migrations since v1/);
    assert.match(text, /0004 {9}gift {2}\(downgrade: none; 1 blocking, 0 warnings\)/);
    assert.match(text, /⚠ require-concurrent-index waived by carol: orders has 2k rows/);
    assert.match(
      text,
      /downgrade rehearsal \(postgresql, to 0002\): upgrade pass 210 ms · downgrade pass 90 ms · upgrade again fail 120 ms/,
    );
  });
});
