/**
 * `--shard 1/2` and `--shard 2/2` of the example plan, merged with `preflight merge`, give
 * the verdict and the critical paths of one unsharded run, and one launch record.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, runCli } from '../support/cli.js';

async function readJson(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

describe('sharding and preflight merge', () => {
  test('two shards merged = one unsharded run (verdict, path set, plan order), with one record', async () => {
    // One copy per run: pytest suites running at once in one directory would share its files.
    const [dir, dirA, dirB] = await Promise.all([copyExample(), copyExample(), copyExample()]);
    // Checks that every shard repeats (lint) and the sliced one (paths); unit (pytest, ~13 s)
    // and checks other features add (metrics, ...) would only make the test slower.
    const only = ['--only', 'lint,paths'];
    const runs = await Promise.all([
      runCli(['run', '--plan', 'preflight.yaml', ...only, '--json', 'whole.json'], { cwd: dir }),
      runCli(
        ['run', '--plan', 'preflight.yaml', ...only, '--shard', '1/2', '--json', path.join(dir, 'a.json')],
        { cwd: dirA },
      ),
      runCli(
        ['run', '--plan', 'preflight.yaml', ...only, '--shard', '2/2', '--json', path.join(dir, 'b.json')],
        { cwd: dirB },
      ),
    ]);
    for (const r of runs) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const a = await readJson(path.join(dir, 'a.json'));
    const b = await readJson(path.join(dir, 'b.json'));
    assert.ok(a.paths.length > 0 && b.paths.length > 0, 'each shard ran some paths');
    const merge = await runCli(['merge', 'b.json', 'a.json', '--json', 'all.json', '--record', 'records'], {
      cwd: dir,
    });
    assert.equal(merge.code, 0, `${merge.stdout}\n${merge.stderr}`);
    assert.match(merge.stdout, /\bGO\b/);
    const whole = await readJson(path.join(dir, 'whole.json'));
    const all = await readJson(path.join(dir, 'all.json'));
    assert.equal(all.verdict, whole.verdict);
    assert.equal(all.exit_code, whole.exit_code);
    assert.deepEqual(
      all.paths.map((p) => p.name),
      whole.paths.map((p) => p.name),
    );
    assert.deepEqual(all.checks.map((c) => c.id).sort(), whole.checks.map((c) => c.id).sort());
    assert.equal(all.checks.filter((c) => c.id === 'paths').length, 1);
    const records = (await readdir(path.join(dir, 'records'))).filter((f) => f.endsWith('.md'));
    assert.equal(records.length, 1);
    const record = await readFile(path.join(dir, 'records', records[0] as string), 'utf8');
    for (const p of whole.paths) assert.match(record, new RegExp(p.name));
    assert.match(record, /merged from shards 2\/2, 1\/2/);
  });

  test('merging only one of two shards is refused (exit 2)', async () => {
    const dir = await copyExample();
    const run = await runCli(
      ['run', '--plan', 'preflight.yaml', '--only', 'paths', '--shard', '1/2', '--json', 'a.json'],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const merge = await runCli(['merge', 'a.json', '--json', 'all.json'], { cwd: dir });
    assert.equal(merge.code, 2);
    assert.match(merge.stderr, /shard 2\/2 missing/);
  });
});
