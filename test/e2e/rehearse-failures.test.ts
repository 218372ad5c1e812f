/**
 * `preflight rehearse` when the rehearsal fails: a destructive migration that the previous
 * release cannot live with, and a candidate whose deploy fails half-way. Each time staging
 * is left on a known release, and the message says which.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../../src/process/service.js';
import { copyExample, patchFile } from '../support/cli.js';
import { addMigration, leftIn, rehearse, runScript, stagingRoot } from '../support/staging.js';

describe('preflight rehearse, failing candidates', () => {
  test('a migration that drops a column the previous release reads: the rollback phase fails, naming the step', async (t) => {
    const baseline = await copyExample();
    const candidate = await copyExample();
    // Contract in the same release as the code change: orders.note is gone.
    await addMigration(candidate, '0003_drop_orders_note', 'ALTER TABLE orders DROP COLUMN note;\n');
    await patchFile(path.join(candidate, 'shop', 'models.py'), /^ {4}note: Mapped.*\n/m, '');
    const orders = path.join(candidate, 'shop', 'routes', 'orders.py');
    await patchFile(orders, 'note=order.note,', 'note=None,');
    await patchFile(orders, ', note=body.note if body else None)', ')');
    const root = await stagingRoot(t, candidate);
    const { res, json, rehearsal, record } = await rehearse(candidate, root, ['--baseline', baseline]);
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.equal(json.verdict, 'no-go');
    assert.equal(rehearsal.status, 'fail');
    const phases = rehearsal.phases ?? [];
    assert.deepEqual(
      phases.map((p) => `${p.name} ${p.status}`),
      ['deploy pass', 'paths pass', 'rollback fail', 'paths fail', 'redeploy skip', 'paths skip'],
    );
    const afterRollback = phases[3];
    const checkout = afterRollback?.paths?.find((p) => p.name === 'checkout');
    assert.equal(checkout?.status, 'fail');
    assert.equal(checkout?.failed_step, 'pay');
    assert.match(checkout?.message ?? '', /status expected 201, got 500/);
    // The reason, from staging's log: the previous release writes a column that is gone.
    assert.match(rehearsal.summary, /phase 3 \(rollback\) failed/);
    assert.match(rehearsal.summary, /checkout › pay/);
    assert.match(rehearsal.summary, /no column named note|no such column: orders\.note/);
    assert.match(rehearsal.summary, /expand now, contract in a later release/);
    const baselineRelease = rehearsal.staging?.baseline?.release;
    assert.ok(baselineRelease);
    assert.equal(rehearsal.staging?.release_after, baselineRelease, 'staging is on a known release');
    assert.match(rehearsal.summary, new RegExp(`Staging is back on release ${baselineRelease}`));
    assert.match(res.stdout, /3\. rollback\s+fail/);
    assert.match(record, /\| rollback \| \*\*fail\*\* \|/);
    assert.deepEqual(leftIn(root), []);
  });

  test('a deploy that fails half-way: staging is restored, and the message says to which release', async (t) => {
    const baseline = await copyExample();
    const candidate = await copyExample();
    // Built and migrated fine, switched to, then it cannot start.
    await patchFile(
      path.join(candidate, 'shop', 'main.py'),
      /^app = create_app\(\)$/m,
      'raise RuntimeError("the candidate cannot start")',
    );
    const root = await stagingRoot(t, candidate);
    // Staging already runs the baseline, deployed by hand as an operator would.
    const port = String(await freePort());
    const deployed = await runScript(candidate, 'deploy.sh', [baseline], {
      SHOP_DEPLOY_ROOT: root,
      SHOP_PORT: port,
    });
    const before = /deployed release (\S+)/.exec(deployed.stdout)?.[1];
    assert.ok(before, deployed.stdout);
    const { res, rehearsal } = await rehearse(candidate, root);
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const phases = rehearsal.phases ?? [];
    assert.deepEqual(
      phases.map((p) => `${p.name} ${p.status}`),
      ['deploy fail', 'paths skip', 'rollback skip', 'paths skip', 'redeploy skip', 'paths skip'],
    );
    assert.equal(phases[0]?.command?.exit_code, 1);
    assert.match(phases[0]?.command?.output_tail ?? '', /RuntimeError: the candidate cannot start/);
    assert.equal(rehearsal.staging?.release_before, before);
    assert.equal(rehearsal.staging?.restored, true);
    assert.equal(rehearsal.staging?.release_after, before);
    assert.match(rehearsal.staging?.restore?.command ?? '', new RegExp(`rollback\\.sh --to ${before}$`));
    assert.match(rehearsal.summary, /phase 1 \(deploy\) failed: `\.\/deploy\/deploy\.sh WORKTREE` exited 1/);
    assert.match(
      rehearsal.summary,
      new RegExp(`Staging is back on release ${before}, the release it was on before`),
    );
    assert.match(res.stdout, new RegExp(`back on release ${before}`));
    assert.deepEqual(leftIn(root), []);
  });
});
