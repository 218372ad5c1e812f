/**
 * The service lifecycle and processes: a start command that exits, one that never becomes
 * ready, and Ctrl-C in the middle of a run. Nothing preflight started may outlive it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, processesIn, runCli, serviceUp, waitFor } from '../support/cli.js';
import { HEALTH_PATH, SHOP_SERVICE } from '../support/plan-text.js';

const PATH = `
critical_paths:
${HEALTH_PATH}`;

describe('service lifecycle', () => {
  test('a start command that exits: exit 3 with the tail of the service log', async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'crash.py'),
      "import sys\nprint('loading settings', flush=True)\nsys.exit('fatal: DATABASE_URL points nowhere')\n",
    );
    await writeFile(
      path.join(dir, 'crash.yaml'),
      `version: 1\nservice:\n  name: shop\n  start: .venv/bin/python crash.py\n  ready: GET /healthz\n${PATH}`,
    );
    const res = await runCli(['run', '--plan', 'crash.yaml', '--json', 'out.json'], { cwd: dir });
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    const all = res.stdout + res.stderr;
    assert.match(all, /the service exited \(code 1\)/);
    assert.match(all, /fatal: DATABASE_URL points nowhere/);
    assert.match(all, /loading settings/);
    // The log of the service preflight started is named, even when it never became ready.
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8'));
    assert.match(json.service_log, /\.preflight\/runs\/.+\/service\.log$/);
    assert.match(await readFile(path.join(dir, json.service_log), 'utf8'), /loading settings/);
  });

  test('a service that never becomes ready: exit 3 after ready_timeout, with the log tail', async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'hang.py'),
      "import time\nprint('warming caches', flush=True)\ntime.sleep(120)\n",
    );
    await writeFile(
      path.join(dir, 'hang.yaml'),
      `version: 1\nservice:\n  name: shop\n  start: .venv/bin/python hang.py\n  ready: GET /healthz\n  ready_timeout: 2s\n${PATH}`,
    );
    const started = Date.now();
    const res = await runCli(['run', '--plan', 'hang.yaml'], { cwd: dir });
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.ok(Date.now() - started < 20_000, 'gave up near the ready timeout');
    const all = res.stdout + res.stderr;
    assert.match(all, /did not answer 2xx within 2 s/);
    assert.match(all, /warming caches/);
    assert.deepEqual(processesIn(dir), [], 'the hanging service was stopped');
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    test(`${signal} during a run leaves no uvicorn, pytest or ruff process behind`, async () => {
      const dir = await copyExample();
      // A slow test keeps pytest busy, a polling step keeps the service busy, a slow lint keeps ruff's shell busy.
      await writeFile(
        path.join(dir, 'tests', 'test_slow.py'),
        'import pathlib\nimport time\n\n\ndef test_slow():\n    pathlib.Path("pytest-started").touch()\n    time.sleep(60)\n',
      );
      await writeFile(
        path.join(dir, 'slow.yaml'),
        `${SHOP_SERVICE}checks:
  lint: { run: "sleep 60; .venv/bin/ruff check --output-format=json .", parse: ruff }
  unit: { run: ".venv/bin/pytest -q -p no:cacheprovider --junitxml={junit}", parse: junit }
critical_paths:
  - name: poll
    owner: ops
    expect: an order eventually ships
    rollback: none
    steps:
      - name: wait
        request: { url: /healthz }
        retry: { count: 100, interval: 500ms, until: { status: 299 } }
`,
      );
      let child: import('node:child_process').ChildProcess | undefined;
      const running = runCli(['run', '--plan', 'slow.yaml'], { cwd: dir, onSpawn: (c) => (child = c) });
      await waitFor(
        () => {
          const procs = processesIn(dir).join('\n');
          return /sleep 60/.test(procs) && existsSync(path.join(dir, 'pytest-started')) && serviceUp(dir);
        },
        30_000,
        'uvicorn, pytest and the lint command to run',
      );
      child?.kill(signal);
      const res = await running;
      assert.equal(res.code, code, `${res.stdout}\n${res.stderr}`);
      assert.match(res.stderr, new RegExp(`${signal} received`));
      const left = processesIn(dir);
      assert.deepEqual(left, [], `processes left behind:\n${left.join('\n')}`);
    });
});
