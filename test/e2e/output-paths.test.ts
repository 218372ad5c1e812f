/**
 * Output paths checked before a run starts: `--json`, `--junit`, `--html` naming a directory,
 * the plan itself, its secrets file, or one another, and `--record` naming a file, are usage
 * errors (exit 2) that leave every file as it was; the same for compare, rehearse, merge and
 * export k6.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli, tempDir } from '../support/cli.js';
import { onePathYaml } from '../support/plan-text.js';

const PLAN = `version: 1
service: { name: s, start: "sleep 60" }
secrets: { file: .env.secrets }
checks:
  noop: { run: "true" }
${onePathYaml('      - { name: one, request: { url: / } }\n')}staging: { url: "http://127.0.0.1:9", deploy: "true", rollback: "true" }
`;

describe('output paths', () => {
  test('a directory, the plan, the secrets file or a clash is exit 2 and nothing is written', async () => {
    const dir = await tempDir('preflight-outputs-');
    await writeFile(path.join(dir, 'preflight.yaml'), PLAN);
    await writeFile(path.join(dir, '.env.secrets'), 'A=b\n');
    await mkdir(path.join(dir, 'outdir'));
    const cases: [string[], RegExp][] = [
      [['run', '--json', 'outdir'], /--json outdir is a directory/],
      [['run', '--json', 'outdir/'], /is a directory/],
      [['run', '--json', 'new-dir/'], /is a directory/],
      [['run', '--json', 'preflight.yaml'], /is the plan/],
      [['run', '--json', './sub/../preflight.yaml'], /is the plan/],
      [['run', '--junit', 'preflight.yaml'], /is the plan/],
      [['run', '--html', 'preflight.yaml'], /is the plan/],
      [['run', '--json', '.env.secrets'], /secrets file/],
      [['run', '--json', 'a.json', '--junit', 'a.json'], /also the file of --json/],
      [['run', '--record', 'preflight.yaml'], /is a file, not a directory/],
      [['rehearse', '--json', 'preflight.yaml'], /is the plan/],
      [['rehearse', '--junit', 'outdir'], /is a directory/],
      [['compare', 'HEAD', '--json', 'preflight.yaml'], /is the plan/],
      [['compare', 'HEAD', '--html', 'outdir'], /is a directory/],
      [['export', 'k6', '--out', 'preflight.yaml'], /is the plan/],
    ];
    for (const [args, message] of cases) {
      const res = await runCli([...args, '--plan', 'preflight.yaml'], { cwd: dir, timeoutMs: 30_000 });
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}\n${res.stderr}`);
      assert.match(res.stderr, message, args.join(' '));
      assert.equal(await readFile(path.join(dir, 'preflight.yaml'), 'utf8'), PLAN, 'the plan is untouched');
      assert.equal(await readFile(path.join(dir, '.env.secrets'), 'utf8'), 'A=b\n');
    }
    const merged = await runCli(['merge', 'preflight.yaml', '--json', 'preflight.yaml'], { cwd: dir });
    assert.equal(merged.code, 2);
    assert.match(merged.stderr, /one of the results to merge/);
    assert.equal(await readFile(path.join(dir, 'preflight.yaml'), 'utf8'), PLAN);
  });
});
