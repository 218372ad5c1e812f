import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeCoverage } from '../../src/checks/migrations/check.js';
import type { MigrationsResult } from '../../src/checks/migrations/result.js';

function resultWith(revisions: string[]): MigrationsResult {
  return {
    tool: 'alembic',
    dialect: 'postgresql',
    baseline: { ref: 'v1.0.0', revision: 'a1' },
    head: [revisions.at(-1) ?? 'a1'],
    revisions: revisions.map((revision) => ({
      revision,
      down_revision: 'a1',
      message: 'm',
      file: `migrations/versions/${revision}.py`,
      sql: '',
      has_downgrade: true,
      findings: [],
    })),
    waivers: [],
  };
}

describe('migrations coverage: every new revision linted, or not a pass', () => {
  test('a new revision without offline SQL: error INCOMPLETE_COVERAGE naming it, not pass', () => {
    const out = judgeCoverage(
      { status: 'pass', summary: '2 new revisions, no findings' },
      resultWith(['b2', 'c3']),
      new Set(['b2']),
      false,
    );
    assert.equal(out.status, 'error');
    assert.equal(out.error?.code, 'INCOMPLETE_COVERAGE');
    assert.match(out.summary, /1 of 2 new revisions not linted: .* no SQL for c3/);
    assert.deepEqual(
      out.coverage?.map((c) => [c.what, c.covered, c.asked]),
      [['new revisions linted', 1, 2]],
    );
  });

  test('every revision linted: the outcome stands, with its coverage', () => {
    const out = judgeCoverage(
      { status: 'pass', summary: 'ok' },
      resultWith(['b2', 'c3']),
      new Set(['b2', 'c3']),
      false,
    );
    assert.equal(out.status, 'pass');
    assert.deepEqual(out.coverage?.[0], { what: 'new revisions linted', covered: 2, asked: 2 });
  });

  test('a failing check stays failed (its findings say more than the coverage)', () => {
    const out = judgeCoverage({ status: 'fail', summary: 'x' }, resultWith(['b2']), new Set(), false);
    assert.equal(out.status, 'fail');
  });
});
