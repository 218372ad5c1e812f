/**
 * `preflight run --tag`: in a git repository holding a copy of the example, GO creates the
 * annotated release tag (message: verdict and record path), NO-GO does not, an existing tag
 * is never moved, and `--push` pushes it to origin.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/result.js';
import { copyExample, patchFile, runCli, tempDir } from '../support/cli.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Release Bot',
  GIT_AUTHOR_EMAIL: 'bot@shop.test',
  GIT_COMMITTER_NAME: 'Release Bot',
  GIT_COMMITTER_EMAIL: 'bot@shop.test',
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY },
  }).trim();
}

/** A copy of the example committed in a fresh repository (runs and records ignored). */
async function exampleRepo(): Promise<string> {
  const dir = await copyExample();
  await writeFile(path.join(dir, '.gitignore'), '.venv\n.preflight/\nlaunches/\n*.db\n__pycache__/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'release 1.4.0');
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  runCli(['run', '--plan', 'preflight.yaml', '--only', 'paths', '--no-store', ...args], {
    cwd: dir,
    env: IDENTITY,
  });

describe('the tag check', () => {
  test('GO tags HEAD with an annotated tag carrying the verdict and the record; a second run refuses to retag', async () => {
    const dir = await exampleRepo();
    const head = git(dir, 'rev-parse', 'HEAD');
    const first = await run(dir, '--tag', '1.4.0', '--record', 'launches', '--json', 'first.json');
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(git(dir, 'cat-file', '-t', 'v1.4.0'), 'tag', 'annotated, not lightweight');
    assert.equal(git(dir, 'rev-parse', 'v1.4.0^{commit}'), head);
    const message = git(dir, 'tag', '-l', '--format=%(contents)', 'v1.4.0');
    const json = JSON.parse(await readFile(path.join(dir, 'first.json'), 'utf8')) as RunResult;
    assert.match(message, /Verdict: GO/);
    assert.ok(json.record_file && message.includes(`Launch record: ${json.record_file}`), message);
    assert.match(message, /checkout \(owner carol\): pass/);
    assert.equal(json.checks.at(-1)?.id, 'tag', 'the tag check comes after every other check');
    assert.equal(json.checks.at(-1)?.status, 'pass');
    const tagObject = git(dir, 'rev-parse', 'v1.4.0');

    const second = await run(dir, '--tag', '1.4.0', '--json', 'second.json');
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stdout, /tag v1\.4\.0 already exists .*never moves a tag/);
    assert.equal(git(dir, 'rev-parse', 'v1.4.0'), tagObject, 'the existing tag is untouched');
  });

  test('NO-GO creates no tag', async () => {
    const dir = await exampleRepo();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'orders.py'),
      /status_code=status.HTTP_201_CREATED/,
      'status_code=500',
    );
    git(dir, 'commit', '-qam', 'break payment');
    const res = await run(dir, '--tag', '1.5.0', '--json', 'out.json');
    assert.equal(res.code, 1, res.stdout);
    assert.equal(git(dir, 'tag', '-l', 'v1.5.0'), '');
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const tag = json.checks.find((c) => c.id === 'tag');
    assert.equal(tag?.status, 'skip');
    assert.match(tag?.summary ?? '', /NO-GO/);
  });

  test('--push pushes the tag to origin; the version defaults to pyproject.toml', async () => {
    const dir = await exampleRepo();
    const origin = path.join(await tempDir('preflight-origin-'), 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', origin]);
    git(dir, 'remote', 'add', 'origin', origin);
    const res = await run(dir, '--tag', '--push');
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /tagged v0\.1\.0 and pushed it to origin/);
    assert.match(
      execFileSync('git', ['ls-remote', '--tags', origin], { encoding: 'utf8' }),
      /refs\/tags\/v0\.1\.0/,
    );
  });
});
