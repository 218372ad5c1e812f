/**
 * `preflight run` against the real example shop under uvicorn: GO, NO-GO for a broken
 * checkout, a ruff finding, a failing pytest test.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, patchFile, readJson, readRecord, runCli } from '../support/cli.js';

describe('preflight run on the example shop', () => {
  test('healthy example: GO, every check and every path with owner/expect/rollback and step timings', async () => {
    const dir = await copyExample();
    const res = await runCli(
      ['run', '--plan', 'preflight.yaml', '--json', 'out.json', '--junit', 'out.xml', '--record', 'records'],
      { cwd: dir },
    );
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /\bGO\b/);
    const json = await readJson(path.join(dir, 'out.json'));
    // preflight's own directory says so to git, ruff and other tools that read ignore files.
    assert.equal(
      await readFile(path.join(dir, '.preflight', '.gitignore'), 'utf8').then((t) => t.split('\n')[1]),
      '*',
    );
    assert.equal(json.verdict, 'go');
    assert.equal(json.exit_code, 0);
    // Other checks of the example plan (config, logs, metrics, ...) may be there too.
    const ids = json.checks.map((c) => c.id);
    for (const id of ['cache', 'lint', 'paths', 'unit'])
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    // No CDN in front of the service here (SHOP_CDN_URL unset): the cache check is skipped, saying why.
    const cache = json.checks.find((c) => c.id === 'cache');
    assert.equal(cache?.status, 'skip');
    assert.match(cache?.skip_reason ?? '', /SHOP_CDN_URL/);
    // No git tag in the copy (not even a repository): the metrics check is skipped, saying why.
    const metrics = json.checks.find((c) => c.id === 'metrics');
    assert.equal(metrics?.status, 'skip');
    assert.match(metrics?.skip_reason ?? '', /last-tag/);
    for (const check of json.checks.filter((c) => c.id !== 'cache' && c.id !== 'metrics'))
      assert.equal(check.status, 'pass', `${check.id}: ${check.summary}`);
    // The database check's own pass over the paths (on the same database, with its own run id)
    // does not collide with the paths check's sign-ups: every path ran, and every one is reviewed.
    const database = json.checks.find((c) => c.id === 'database');
    assert.doesNotMatch(database?.summary ?? '', /failed while captured/);
    assert.deepEqual([...new Set(database?.database?.steps.map((s) => s.path))].sort(), [
      'browse',
      'checkout',
      'sign-up and login',
    ]);
    const unit = json.checks.find((c) => c.id === 'unit');
    assert.ok((unit?.tests?.passed ?? 0) >= 15, 'pytest ran the example suite');
    assert.equal(unit?.command?.exit_code, 0);
    assert.deepEqual(
      json.paths.map((p) => p.name),
      ['browse', 'sign-up and login', 'checkout'],
    );
    for (const p of json.paths) {
      assert.ok(p.owner && p.expect && p.rollback, `${p.name} has owner, expect and rollback`);
      assert.equal(p.status, 'pass');
      for (const s of p.steps) {
        assert.equal(s.status, 'pass', `${p.name} / ${s.name}`);
        assert.ok(s.duration_ms > 0, 'step timing is measured');
        assert.ok(s.source && s.source.line > 0, 'step points back into the plan');
      }
    }
    // The captured bearer token never leaves preflight.
    const outputs = [
      res.stdout,
      await readFile(path.join(dir, 'out.json'), 'utf8'),
      await readFile(path.join(dir, 'out.xml'), 'utf8'),
    ];
    for (const text of outputs) assert.doesNotMatch(text, /"token":\s*"[A-Za-z0-9_.-]{20,}/);
    const record = await readRecord(path.join(dir, 'records'));
    assert.match(record, /GO/);
    assert.match(record, /carol/);
    assert.match(record, /redeploy the previous release/);
    assert.match(record, /ruff check --output-format=json/);
  });

  test('broken checkout: NO-GO naming the failed step, expected vs actual, owner and rollback', async () => {
    const dir = await copyExample();
    // The release under test breaks payment: the order route answers 500.
    await patchFile(
      path.join(dir, 'shop', 'routes', 'orders.py'),
      /status_code=status.HTTP_201_CREATED/,
      'status_code=500',
    );
    const res = await runCli(
      ['run', '--plan', 'preflight.yaml', '--only', 'paths', '--json', 'out.json', '--record', 'records'],
      { cwd: dir },
    );
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /NO-GO/);
    assert.match(res.stdout, /checkout/);
    assert.match(res.stdout, /pay/);
    assert.match(res.stdout, /carol/);
    assert.match(res.stdout, /orders written meanwhile stay valid/);
    assert.match(res.stdout, /201/);
    assert.match(res.stdout, /500/);
    const json = await readJson(path.join(dir, 'out.json'));
    assert.equal(json.verdict, 'no-go');
    const checkout = json.paths.find((p) => p.name === 'checkout');
    const pay = checkout?.steps.find((s) => s.name === 'pay');
    assert.equal(pay?.status, 'fail');
    const statusFailure = pay?.failures?.find((f) => f.assertion === 'status');
    assert.equal(statusFailure?.expected, 201);
    assert.equal(statusFailure?.actual, 500);
    assert.equal(checkout?.steps.find((s) => s.name === 'see the order')?.status, 'skip');
    assert.equal(json.paths.find((p) => p.name === 'browse')?.status, 'pass', 'other paths go on');
    const record = await readRecord(path.join(dir, 'records'));
    assert.match(record, /NO-GO/);
    assert.match(record, /pay/);
    assert.match(record, /carol/);
    assert.match(record, /orders written meanwhile stay valid/);
  });

  test('a ruff finding turns the verdict NO-GO and names file:line', async () => {
    const dir = await copyExample();
    const file = path.join(dir, 'shop', 'config.py');
    await patchFile(file, /^import os$/m, 'import os\nimport os.path as unused_alias');
    const line = (await readFile(file, 'utf8')).split('\n').indexOf('import os.path as unused_alias') + 1;
    const res = await runCli(['run', '--plan', 'preflight.yaml', '--only', 'lint', '--json', 'out.json'], {
      cwd: dir,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, new RegExp(`shop/config\\.py:${line}:\\d+`));
    assert.match(res.stdout, /F401/);
    const json = await readJson(path.join(dir, 'out.json'));
    const lint = json.checks.find((c) => c.id === 'lint');
    assert.equal(lint?.status, 'fail');
    assert.ok(
      lint?.findings?.some((f) => f.file === 'shop/config.py' && f.line === line && f.rule === 'F401'),
    );
  });

  test('a failing pytest test turns the verdict NO-GO and names file:line', async () => {
    const dir = await copyExample();
    const testFile = path.join(dir, 'tests', 'test_launch_regression.py');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        testFile,
        'def test_prices_are_positive():\n    price = -1\n    assert price > 0, "price must be positive"\n',
      ),
    );
    const res = await runCli(['run', '--plan', 'preflight.yaml', '--only', 'unit', '--json', 'out.json'], {
      cwd: dir,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /tests\/test_launch_regression\.py:3/);
    const json = await readJson(path.join(dir, 'out.json'));
    const unit = json.checks.find((c) => c.id === 'unit');
    assert.equal(unit?.status, 'fail');
    assert.equal(unit?.tests?.failed, 1);
    assert.ok(
      unit?.findings?.some(
        (f) =>
          f.file === 'tests/test_launch_regression.py' &&
          f.line === 3 &&
          /price must be positive/.test(f.message),
      ),
    );
  });
});
