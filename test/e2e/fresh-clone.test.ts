/**
 * The README's first command works on a fresh clone: `npm run demo` installs what is
 * missing (npm packages, the build, the example's venv) and gives GO with a record.
 * (The second, `npm test`, is what CI runs on a fresh clone.)
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, tempDir } from '../support/cli.js';

test('npm run demo on a fresh clone installs what is missing and exits 0 with GO', {
  timeout: 600_000,
}, async (t) => {
  const base = await tempDir('preflight-clone-');
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = path.join(base, 'preflight');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, dir]);
  assert.ok(!existsSync(path.join(dir, 'node_modules')), 'the clone starts without node_modules');
  assert.ok(!existsSync(path.join(dir, 'examples', 'shop', '.venv')), 'the clone starts without the venv');
  const res = spawnSync('npm', ['run', 'demo'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    timeout: 590_000,
  });
  const output = `${res.stdout}\n${res.stderr}`;
  assert.equal(res.status, 0, output);
  assert.match(res.stdout, /\bGO\b/);
  assert.match(res.stdout, /launch record: /);
  const records = readdirSync(path.join(dir, 'examples', 'shop', 'launches'));
  assert.equal(records.length, 1);
  // The demo leaves the clone clean (the lock file is the one npm install writes), and the
  // record says so in one voice: no "-dirty" version beside a "clean" working tree.
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' });
  assert.equal(status, '', `git status after npm run demo:\n${status}`);
  const record = readFileSync(path.join(dir, 'examples', 'shop', 'launches', records[0] as string), 'utf8');
  assert.match(
    record,
    /- \*\*Working tree:\*\* clean \(the whole repository, untracked files included; the plan is in `examples\/shop\/`\)/,
  );
  assert.doesNotMatch(record, /-dirty/);
  // The demo's query review ran on realistic volumes (a seeded scratch copy), and its skips are allowed ones.
  assert.match(res.stdout, /GO .*skipped as the plan allows: cache \(SHOP_CDN_URL is not set\)/);
  const result = JSON.parse(readFileSync(path.join(dir, '.preflight', 'demo-result.json'), 'utf8')) as {
    verdict: string;
  };
  assert.equal(result.verdict, 'go');
});
