/**
 * `preflight run` under GitHub Actions (GITHUB_ACTIONS=true) on a broken copy of the example:
 * `::error` annotations at the ruff finding's file:line and at the failed step's plan line,
 * and the Markdown job summary appended to $GITHUB_STEP_SUMMARY.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, patchFile, runCli } from '../support/cli.js';

describe('GitHub Actions', () => {
  test('annotations for a lint finding and a failed step, and the job summary', async () => {
    const dir = await copyExample();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'orders.py'),
      /status_code=status.HTTP_201_CREATED/,
      'status_code=500',
    );
    const config = path.join(dir, 'shop', 'config.py');
    await patchFile(config, /^import os$/m, 'import os\nimport os.path as unused_alias');
    const findingLine =
      (await readFile(config, 'utf8')).split('\n').indexOf('import os.path as unused_alias') + 1;
    const planLines = (await readFile(path.join(dir, 'preflight.yaml'), 'utf8')).split('\n');
    const payLine = planLines.findIndex((l) => /^\s+- name: pay$/.test(l)) + 1;
    const summary = path.join(dir, 'summary.md');
    await writeFile(summary, '');
    const res = await runCli(['run', '--plan', 'preflight.yaml', '--only', 'lint,paths', '--no-store'], {
      cwd: dir,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir },
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(
      res.stdout,
      new RegExp(
        `^::error file=shop/config\\.py,line=${findingLine},col=\\d+,title=preflight lint%3A F401::`,
        'm',
      ),
    );
    assert.match(
      res.stdout,
      new RegExp(
        `^::error file=preflight\\.yaml,line=${payLine},col=\\d+,title=preflight%3A critical path "checkout"%2C step "pay" failed::status: expected 201, got 500`,
        'm',
      ),
    );
    assert.match(res.stdout, /^::error title=preflight%3A NO-GO::2 blocking checks failed/m);
    const text = await readFile(summary, 'utf8');
    assert.match(text, /## ❌ preflight: shop.* — NO-GO/);
    assert.match(text, /\| checkout \| carol \| \*\*fail\*\* \|/);
    assert.match(text, /\| lint \| lint \| \*\*fail\*\* \|/);
  });
});
