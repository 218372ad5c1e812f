/**
 * npm run bench's helpers: the tools' turns, medians, the generated flow plans, the table,
 * and the check for missing tools.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { writePreflightFlowPlan, writeStepCiFlowWorkflow } from '../../bench/lib/flow.js';
import { alternate, median, medianRatio, roundOrder } from '../../bench/lib/measure.js';
import { errorRows, formatValue, renderTable, target } from '../../bench/lib/table.js';
import { missingTools, NEEDS } from '../../bench/lib/tools.js';
import { loadPlan } from '../../src/plan/load.js';
import { ROOT } from '../support/cli.js';

describe('bench rounds', () => {
  it('alternates the order of the tools round by round', async () => {
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
    assert.deepEqual(roundOrder(['a', 'b', 'c'], 1), ['c', 'b', 'a']);
    const calls: string[] = [];
    const results = await alternate(['a', 'b'], 3, async (tool, round) => {
      calls.push(`${tool}${round}`);
      return round;
    });
    assert.deepEqual(calls, ['a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    assert.deepEqual(results.get('a'), [0, 1, 2]);
  });

  it('takes the median, ignoring NaN', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([Number.NaN, 5]), 5);
    assert.ok(Number.isNaN(median([])));
  });

  it('takes ratios within each round, so a slow round does not skew them', () => {
    // Round 2 ran on a loaded machine (both tools 5x slower); round 3 caught a spike in a only.
    const results = new Map([
      ['a', [2, 10, 3]],
      ['b', [1, 5, 1]],
    ]);
    assert.equal(
      medianRatio(results, 'a', 'b', (v) => v),
      2,
    );
    assert.equal(median([2, 10, 3]) / median([1, 5, 1]), 3);
  });
});

describe('bench flow fixtures', () => {
  it('copies the critical path N times into a plan that validates and runs paths one at a time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    try {
      const file = writePreflightFlowPlan(ROOT, dir, 120);
      const { plan } = await loadPlan(file);
      // 120 copies: past the loader's alias limit, so the copies must be written out.
      assert.equal(plan.critical_paths?.length, 120);
      assert.deepEqual(
        plan.critical_paths?.slice(0, 3).map((p) => p.name),
        ['flow-1', 'flow-2', 'flow-3'],
      );
      assert.equal(plan.paths?.concurrency, 1);
      assert.deepEqual(
        plan.critical_paths?.[119]?.steps.map((s) => s.name),
        ['login', 'list', 'create', 'read back', 'delete'],
      );
      const workflow = parse(await readFile(writeStepCiFlowWorkflow(ROOT, dir, 4), 'utf8'));
      assert.deepEqual(Object.keys(workflow.tests), ['flow-1', 'flow-2', 'flow-3', 'flow-4']);
      assert.equal(workflow.config.concurrency, 1);
      assert.equal(workflow.tests['flow-4'].steps.length, 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bench table', () => {
  it('shows met, MISSED and ERROR rows, never leaving a row out', () => {
    const text = renderTable([
      {
        label: 'fast',
        unit: 's',
        values: { preflight: 0.5, undici: 0.4 },
        ratio: 1.25,
        target: target(1.25, '<=', 1.3, '≤ 1.3x'),
      },
      { label: 'slow', unit: 'ms', values: { preflight: 0.9 }, target: target(0.9, '<=', 0.45, '≤ 0.45 ms') },
      ...errorRows(['broken', 'also broken'], new Error('newman exited 1')),
    ]);
    const lines = text.split('\n');
    assert.match(lines.find((l) => l.startsWith('fast')) ?? '', /0\.50 s\s+0\.40 s.*1\.25x\s+≤ 1\.3x\s+met$/);
    assert.match(lines.find((l) => l.startsWith('slow')) ?? '', /0\.90 ms.*MISSED$/);
    assert.match(lines.find((l) => l.startsWith('broken')) ?? '', /ERROR$/);
    assert.match(text, /ERROR broken: newman exited 1/);
    assert.match(lines.find((l) => l.startsWith('also broken')) ?? '', /ERROR$/);
    assert.match(text, /ERROR also broken: not measured, see "broken"/);
  });

  it('formats each unit at its resolution; a NaN target is not met', () => {
    assert.equal(formatValue(0.2345, '±ms'), '+0.23 ms');
    assert.equal(formatValue(-1.5, '±ms'), '-1.50 ms');
    assert.equal(formatValue(5234.6, 'req/s'), '5235/s');
    assert.equal(formatValue(undefined, 's'), '—');
    assert.equal(target(Number.NaN, '>=', 1, '≥ 1x')?.met, false);
  });
});

describe('bench tools', () => {
  it('names every missing tool with how to install it', () => {
    const missing = missingTools('/nonexistent-root');
    const relative = NEEDS.filter((n) => n.path.includes('/') && !n.path.startsWith('/'));
    for (const need of relative)
      assert.ok(missing.some((m) => m.includes(need.path) && m.includes(need.install)));
    assert.ok(missing.some((m) => m.includes('npm run build')));
  });
});
