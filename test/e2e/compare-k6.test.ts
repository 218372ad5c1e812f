/**
 * `preflight compare --engine k6 --segments 2` against the real example shop: every block's load
 * is sent by two real k6 processes (execution segments 0:1/2 and 1/2:1), their raw output merged.
 * What is asserted is structural, not timed: a result from the same judge, every measured block
 * carrying the iterations of both segments (each runs half of the rate), no k6 left behind.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { MetricComparison } from '../../src/checks/metrics/result.js';
import { findK6 } from '../../src/ecosystem/k6/binary.js';
import { copyExample, processesIn, ROOT, runCli } from '../support/cli.js';
import { initRepo } from '../support/git.js';

interface Result {
  checks: { id: string; status: string; error?: { code: string } }[];
  metrics: {
    settings: { rate: number; block_ms: number; engine?: { name: string; segments: number } };
    comparisons: Pick<MetricComparison, 'path' | 'step' | 'metric' | 'before' | 'after'>[];
    blocks: { side: string; warmup: boolean; paths: { path: string; count: number; errors: number }[] }[];
    histograms: { candidate: { path: string; iterations: number; errors: number }[] };
  };
}

describe('preflight compare --engine k6', () => {
  test('two k6 segments per block: a verdict by the same judge, both segments in every block', async () => {
    assert.ok(await findK6(ROOT), 'no k6 binary: bash scripts/ensure-tools.sh installs it');
    const dir = await copyExample();
    await writeFile(path.join(dir, '.gitignore'), '.venv\n.preflight/\n*.db\n');
    initRepo(dir);
    const out = path.join(dir, 'k6.json');
    const r = await runCli(
      [
        'compare',
        'HEAD',
        '--plan',
        'preflight.yaml',
        '--engine',
        'k6',
        '--segments',
        '2',
        '--max-duration',
        '8s',
        '--json',
        out,
      ],
      { cwd: dir, timeoutMs: 120_000 },
    );
    // GO or NO-GO (a busy machine may leave the comparison inconclusive); never "could not run".
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const result = JSON.parse(await readFile(out, 'utf8')) as Result;
    const m = result.metrics;
    assert.deepEqual(m.settings.engine, { name: 'k6', segments: 2 });
    const check = result.checks.find((c) => c.id === 'metrics');
    assert.ok(
      check &&
        (check.status === 'pass' || check.status === 'fail' || check.error?.code === 'INCOMPLETE_COVERAGE'),
    );
    const measured = m.blocks.filter((b) => !b.warmup);
    assert.ok(measured.some((b) => b.side === 'baseline') && measured.some((b) => b.side === 'candidate'));
    // 10/s for 1 s blocks: each segment starts 5; a block with one segment's data alone has about 5.
    const perBlock = (m.settings.rate * m.settings.block_ms) / 1000;
    for (const block of measured)
      for (const p of block.paths) {
        assert.ok(p.count >= perBlock * 0.8, `${block.side} ${p.path}: ${p.count} of ${perBlock} iterations`);
        assert.equal(p.errors, 0, `${block.side} ${p.path}: no failed iteration`);
      }
    for (const name of ['browse', 'checkout']) {
      const p50 = m.comparisons.find((c) => c.path === name && c.step === null && c.metric === 'p50');
      assert.ok(p50 && p50.before !== null && p50.after !== null, `${name} p50 on both sides`);
    }
    const steps = m.comparisons.filter((c) => c.step !== null).map((c) => `${c.path} › ${c.step}`);
    assert.ok(steps.includes('checkout › pay'), 'step rows from the step tags of k6 requests');
    assert.deepEqual(processesIn(path.dirname(dir)), []);
    assert.match(r.stdout, /browse/);
  });

  test('--segments without k6, or a bad count, is a usage error', async () => {
    const dir = await copyExample();
    const bad = await runCli(['compare', 'HEAD', '--engine', 'k6', '--segments', '0'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--segments expects a number of k6 processes from 1 to 64 \(got "0"\)/);
    const probe = await runCli(['compare', 'HEAD', '--engine', 'probe', '--segments', '2'], { cwd: dir });
    assert.equal(probe.code, 2);
    assert.match(probe.stderr, /--segments applies to --engine k6 only/);
  });

  test('no k6 binary: could not run (exit 3), saying how to install it', async () => {
    const dir = await copyExample();
    await writeFile(path.join(dir, '.gitignore'), '.venv\n.preflight/\n*.db\n');
    initRepo(dir, 'r1');
    const r = await runCli(['compare', 'HEAD', '--engine', 'k6', '--max-duration', '4s'], {
      cwd: dir,
      env: { K6: path.join(dir, 'no-such-k6') },
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /metrics\.engine is k6 but no k6 binary was found: install it/);
  });
});
