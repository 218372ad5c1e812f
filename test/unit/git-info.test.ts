/**
 * readGitInfo (src/run/git.ts) in a real git repository: commit, branch, tags and the files
 * touched, committed or not, from the repository's root whatever the plan's folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readGitInfo } from '../../src/run/git.js';

let repo: string;
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();

before(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'preflight-git-'));
  git('init', '-q', '-b', 'main');
  await mkdir(path.join(repo, 'svc'));
  await writeFile(path.join(repo, 'svc', 'app.py'), 'v1\n');
  await writeFile(path.join(repo, 'svc', 'old.py'), 'old\n');
  await writeFile(path.join(repo, 'other.txt'), 'x\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  git('tag', 'v1.0.0');
});

after(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('readGitInfo', () => {
  test('outside a work tree: null', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'preflight-nogit-'));
    try {
      assert.equal(await readGitInfo(outside), null);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  test('a clean tagged commit: commit, branch, tag, nothing touched', async () => {
    const info = await readGitInfo(path.join(repo, 'svc'));
    assert.equal(info?.commit, git('rev-parse', 'HEAD'));
    assert.equal(info?.branch, 'main');
    assert.equal(info?.describe, 'v1.0.0');
    assert.equal(info?.last_tag, 'v1.0.0');
    assert.equal(info?.dirty, false);
    assert.deepEqual(info?.files_touched, []);
  });

  test('committed, modified, renamed and new files under the folder, paths from the root', async () => {
    await writeFile(path.join(repo, 'svc', 'app.py'), 'v2\n');
    git('commit', '-q', '-am', 'second');
    await writeFile(path.join(repo, 'svc', 'app.py'), 'v3\n');
    git('mv', 'svc/old.py', 'svc/renamed.py');
    await writeFile(path.join(repo, 'svc', 'new.py'), 'new\n');
    await writeFile(path.join(repo, 'other.txt'), 'changed outside the folder\n');
    const info = await readGitInfo(path.join(repo, 'svc'));
    assert.equal(info?.dirty, true);
    assert.match(info?.describe ?? '', /^v1\.0\.0-1-g[0-9a-f]+-dirty$/);
    assert.deepEqual(info?.files_touched, ['svc/app.py', 'svc/new.py', 'svc/renamed.py']);
  });

  test('one scope: dirty, describe and uncommitted count the whole repository, untracked files included; own outputs do not', async () => {
    const info = await readGitInfo(path.join(repo, 'svc'));
    assert.equal(info?.plan_dir, 'svc');
    assert.ok(info?.uncommitted.includes('other.txt'), 'a change outside the plan directory is uncommitted');
    assert.ok(info?.uncommitted.includes('svc/new.py'), 'an untracked file is uncommitted');
    assert.match(info?.describe ?? '', /-dirty$/);
    await mkdir(path.join(repo, 'svc', '.preflight', 'runs'), { recursive: true });
    await writeFile(path.join(repo, 'svc', '.preflight', 'runs', 'x.log'), 'log\n');
    const own = await readGitInfo(path.join(repo, 'svc'), {
      ownPaths: [path.join(repo, 'svc', '.preflight')],
    });
    assert.ok(!own?.uncommitted.some((f) => f.includes('.preflight')), JSON.stringify(own?.uncommitted));
    git('add', 'svc/app.py', 'svc/new.py', 'svc/renamed.py', 'other.txt');
    git('commit', '-q', '-m', 'third');
    const untrackedOnly = await readGitInfo(path.join(repo, 'svc'));
    assert.deepEqual(untrackedOnly?.uncommitted, ['svc/.preflight/']);
    assert.equal(untrackedOnly?.dirty, true, 'an untracked file that is not ignored makes the tree dirty');
    assert.match(untrackedOnly?.describe ?? '', /-dirty$/, 'the label says what "dirty" says');
    const clean = await readGitInfo(path.join(repo, 'svc'), {
      ownPaths: [path.join(repo, 'svc', '.preflight')],
    });
    assert.equal(clean?.dirty, false);
    assert.doesNotMatch(clean?.describe ?? '', /-dirty$/);
  });

  test('a detached HEAD has no branch', async () => {
    git('checkout', '-q', '--detach');
    try {
      const info = await readGitInfo(repo);
      assert.equal(info?.branch, null);
      assert.equal(info?.commit, git('rev-parse', 'HEAD'));
    } finally {
      git('checkout', '-q', 'main');
    }
  });
});
