/**
 * Merging shard results: paths back in plan order, one `paths` check, the verdict decided
 * again, and shards that do not fit together refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PathResult } from '../../src/checks/paths/result.js';
import { MergeError, mergeResults } from '../../src/report/merge.js';
import type { RunResult } from '../../src/run/result.js';
import { goRun } from './report-fixtures.js';

function path(name: string, status: PathResult['status'] = 'pass'): PathResult {
  return {
    name,
    owner: `owner-of-${name}`,
    expect: 'e',
    rollback: 'r',
    status,
    flaky: false,
    duration_ms: 10,
    steps: [],
  };
}

/** Shard `index` of `total` over paths p0..p4 (every total-th path, as `--shard` slices them). */
function shard(index: number, total: number, failing: string[] = []): RunResult {
  const run = goRun();
  run.shard = { index, total };
  run.paths = ['p0', 'p1', 'p2', 'p3', 'p4']
    .filter((_, i) => i % total === index - 1)
    .map((name) => path(name, failing.includes(name) ? 'fail' : 'pass'));
  const bad = run.paths.some((p) => p.status === 'fail');
  const paths = run.checks.find((c) => c.id === 'paths');
  if (paths) paths.status = bad ? 'fail' : 'pass';
  return run;
}

const named = (...results: RunResult[]) =>
  results.map((result, i) => ({ file: `shard-${i + 1}.json`, result }));

describe('mergeResults', () => {
  test('paths come back in plan order; one paths check; GO stays GO', () => {
    const merged = mergeResults(named(shard(2, 2), shard(1, 2)));
    assert.deepEqual(
      merged.paths.map((p) => p.name),
      ['p0', 'p1', 'p2', 'p3', 'p4'],
    );
    assert.deepEqual(
      merged.checks.map((c) => c.id),
      ['lint', 'unit', 'paths'],
    );
    assert.equal(merged.verdict, 'go');
    assert.equal(merged.exit_code, 0);
    assert.match(
      merged.checks.find((c) => c.id === 'paths')?.summary ?? '',
      /5 critical paths passed across 2 shards/,
    );
    assert.match(merged.reason, /merged from shards 2\/2, 1\/2/);
    assert.equal(merged.shard, undefined);
  });

  test('a failed path in one shard makes the merged verdict NO-GO and names it', () => {
    const merged = mergeResults(named(shard(1, 3), shard(2, 3, ['p4']), shard(3, 3)));
    assert.equal(merged.verdict, 'no-go');
    assert.equal(merged.exit_code, 1);
    const paths = merged.checks.find((c) => c.id === 'paths');
    assert.equal(paths?.status, 'fail');
    assert.match(paths?.summary ?? '', /1 of 5 critical paths failed: p4 \(owner owner-of-p4\)/);
  });

  test('a check that failed in any shard is merged as failed', () => {
    const b = shard(2, 2);
    const lint = b.checks.find((c) => c.id === 'lint');
    if (lint) lint.status = 'fail';
    const merged = mergeResults(named(shard(1, 2), b));
    assert.equal(merged.checks.find((c) => c.id === 'lint')?.status, 'fail');
    assert.equal(merged.verdict, 'no-go');
  });

  test('missing or repeated shards, other plans and other commits are refused', () => {
    assert.throws(() => mergeResults(named(shard(1, 3), shard(2, 3))), /shard 3\/3 missing/);
    assert.throws(() => mergeResults(named(shard(1, 2), shard(1, 2))), /both shard 1\/2/);
    const other = shard(2, 2);
    other.plan.hash = 'different';
    assert.throws(() => mergeResults(named(shard(1, 2), other)), MergeError);
    const commit = shard(2, 2);
    if (commit.git) commit.git.commit = 'abc';
    assert.throws(() => mergeResults(named(shard(1, 2), commit)), /ran commit abc/);
  });
});
