/**
 * A critical path step that gets a 500 from the real example service: the `logs` check reads
 * the traceback uvicorn prints through its exception line and links it to that step, shown
 * under the failed step in the terminal, in the JSON result and in the launch record.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, patchFile, processesIn, runCli } from '../support/cli.js';

describe('a traceback linked to the step whose request caused it', () => {
  test('product detail answers 500: its traceback (exception line included) is under the step', async () => {
    const dir = await copyExample();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'products.py'),
      /^ {4}response\.headers\["Cache-Control"\] = PUBLIC_CACHE\n {4}return product$/m,
      '    raise RuntimeError("stock service down for product lookups")',
    );
    const res = await runCli(['run', '--only', 'paths,logs', '--json', 'out.json', '--record', 'records'], {
      cwd: dir,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const step = json.paths.find((p) => p.name === 'browse')?.steps.find((s) => s.name === 'product detail');
    assert.equal(step?.response?.status, 500);
    assert.ok(step?.started_at, 'a failed step says when it ran');
    assert.equal(step?.traceback?.source, 'service');
    assert.equal(step?.traceback?.exception, 'RuntimeError: stock service down for product lookups');
    assert.equal(step?.traceback?.by, 'time');
    const logs = json.checks.find((c) => c.kind === 'logs');
    const finding = logs?.findings?.find((f) => f.rule === 'log-traceback');
    assert.equal(finding?.message, 'RuntimeError: stock service down for product lookups');
    assert.match(finding?.excerpt ?? '', /\nRuntimeError: stock service down for product lookups$/);
    assert.match(finding?.excerpt ?? '', /lines elided/, 'a FastAPI stack is long: head and tail kept');
    assert.match(
      res.stdout,
      /step product detail {2}fail[^\n]*\n(?:.*\n)*? {4}traceback in service\.log:\d+: RuntimeError: stock service down/,
    );
    const records = path.join(dir, 'records');
    const [record] = (await readdir(records)).filter((f) => f.endsWith('.md'));
    const md = await readFile(path.join(records, record as string), 'utf8');
    assert.match(md, /\*\*Traceback:\*\* `service\.log:\d+` RuntimeError: stock service down/);
    assert.deepEqual(processesIn(dir), []);
  });
});
