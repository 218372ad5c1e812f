/**
 * `preflight rehearse` with a good candidate: the real deploy scripts of the example deploy
 * it to a staging root in a temp dir, roll back, redeploy; GO with the timings recorded.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, EXAMPLE, ROOT, runCli } from '../support/cli.js';
import { addMigration, leftIn, rehearse, stagingRoot } from '../support/staging.js';

const PHASES = ['deploy', 'paths', 'rollback', 'paths', 'redeploy', 'paths'];

describe('preflight rehearse, good candidate', () => {
  test('an additive migration: GO, six phases with timings, the record shows deploy and rollback', async (t) => {
    const baseline = await copyExample();
    const candidate = await copyExample();
    // Expand: a nullable column the previous release does not know about.
    await addMigration(
      candidate,
      '0003_orders_gift_message',
      'ALTER TABLE orders ADD COLUMN gift_message VARCHAR(200);\n',
    );
    const root = await stagingRoot(t, candidate);
    const { res, json, rehearsal, record } = await rehearse(candidate, root, ['--baseline', baseline]);
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.equal(json.verdict, 'go');
    assert.equal(rehearsal.status, 'pass', rehearsal.summary);
    const phases = rehearsal.phases ?? [];
    assert.deepEqual(
      phases.map((p) => p.name),
      PHASES,
    );
    for (const phase of phases) {
      assert.equal(phase.status, 'pass', `${phase.name}: ${phase.summary}`);
      assert.ok(phase.duration_ms > 0, `${phase.name} is timed`);
    }
    const [deploy, , rollback, , redeploy] = phases;
    for (const p of [deploy, rollback, redeploy]) {
      assert.equal(p?.command?.exit_code, 0);
      assert.ok((p?.time_to_healthy_ms ?? 0) > 0, `${p?.name} has a time to healthy`);
    }
    assert.equal(deploy?.command?.command, `./deploy/deploy.sh WORKTREE`);
    assert.equal(rollback?.command?.command, './deploy/rollback.sh');
    assert.match(deploy?.command?.output_tail ?? '', /migrate: applied 0003_orders_gift_message\n/);
    const baselineRelease = rehearsal.staging?.baseline?.release;
    assert.ok(baselineRelease?.startsWith('wt-'), 'the baseline was deployed first: staging was empty');
    assert.equal(rollback?.release, baselineRelease, 'the rollback went back to the baseline');
    assert.equal(redeploy?.release, deploy?.release);
    assert.notEqual(deploy?.release, baselineRelease);
    assert.equal(rehearsal.staging?.release_after, deploy?.release);
    assert.equal(rehearsal.staging?.stop?.exit_code, 0);
    for (const p of phases.filter((x) => x.name === 'paths')) assert.equal(p.paths?.length, 3);
    assert.match(res.stdout, /staging rehearsal/);
    assert.match(res.stdout, /3\. rollback\s+pass/);
    assert.match(record, /## Staging rehearsal/);
    assert.match(record, /\| deploy \| pass \| `\.\/deploy\/deploy\.sh WORKTREE` \| 0 \| \d/);
    assert.match(
      record,
      /\| rollback \| pass \| `\.\/deploy\/rollback\.sh` \| 0 \| [\d.]+ (ms|s) \| [\d.]+ (ms|s) \|/,
    );
    assert.deepEqual(leftIn(root), [], 'staging was stopped');
  });

  test('from outside: SHOP_DEPLOY_ROOT=tmp npx preflight rehearse --plan examples/shop/preflight.yaml', async (t) => {
    const root = await stagingRoot(t, EXAMPLE);
    const out = path.join(root, 'OUT.json');
    const res = await runCli(['rehearse', '--plan', 'examples/shop/preflight.yaml', '--json', out], {
      cwd: ROOT,
      env: { SHOP_DEPLOY_ROOT: root },
      timeoutMs: 150_000,
    });
    try {
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const json = JSON.parse(await readFile(out, 'utf8')) as RunResult;
      const rehearsal = json.checks.find((c) => c.kind === 'rehearsal');
      assert.deepEqual(
        rehearsal?.phases?.map((p) => p.name),
        PHASES,
      );
      for (const phase of rehearsal?.phases ?? []) {
        assert.equal(phase.status, 'pass');
        assert.equal(typeof phase.duration_ms, 'number');
      }
      // The baseline is HEAD, from git archive; the candidate is the work tree.
      assert.match(rehearsal?.staging?.baseline?.command?.command ?? '', /deploy\.sh HEAD$/);
    } finally {
      assert.deepEqual(leftIn(root), [], 'no process of the rehearsal is left');
    }
  });
});
