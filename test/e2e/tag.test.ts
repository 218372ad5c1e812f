/**
 * `preflight run --tag`: in a git repository holding a copy of the example, GO of a complete
 * run creates the annotated release tag (message: verdict, run and record path), NO-GO does
 * not, an existing tag is never moved, `--push` pushes it to origin, and a run that is not
 * complete and clean (`--only`, `--shard`, untracked files) is refused before it starts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { RunResult } from '../../src/run/result.js';
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

/**
 * A copy of the example committed in a fresh repository (runs and records ignored), with a
 * plan of its service and critical paths only (release.yaml): a complete run of that plan is
 * quick, and `--tag` tags only complete runs.
 */
async function exampleRepo(): Promise<string> {
  const dir = await copyExample();
  await writeFile(path.join(dir, '.gitignore'), '.venv\n.preflight/\nlaunches/\n*.db\n__pycache__/\n');
  const full = parse(await readFile(path.join(dir, 'preflight.yaml'), 'utf8')) as Record<string, unknown>;
  const { version, service, variables, paths, critical_paths } = full;
  await writeFile(
    path.join(dir, 'release.yaml'),
    stringify({ version, service, variables, paths, critical_paths, record: { dir: 'launches/' } }),
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'release 1.4.0');
  return dir;
}

/** JSON results go outside the repository: an untracked file there would make the tree dirty. */
const outside = await tempDir('preflight-tag-out-');
const out = (name: string): string => path.join(outside, name);

const run = (dir: string, ...args: string[]) =>
  runCli(['run', '--plan', 'release.yaml', '--no-store', ...args], {
    cwd: dir,
    env: IDENTITY,
  });

describe('the tag check', () => {
  test('GO tags HEAD with an annotated tag carrying the verdict, the run and the record; a second run refuses to retag', async () => {
    const dir = await exampleRepo();
    const head = git(dir, 'rev-parse', 'HEAD');
    const first = await run(dir, '--tag', '1.4.0', '--record', '--json', out('first.json'));
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(git(dir, 'cat-file', '-t', 'v1.4.0'), 'tag', 'annotated, not lightweight');
    assert.equal(git(dir, 'rev-parse', 'v1.4.0^{commit}'), head);
    const message = git(dir, 'tag', '-l', '--format=%(contents)', 'v1.4.0');
    const json = JSON.parse(await readFile(out('first.json'), 'utf8')) as RunResult;
    assert.match(message, /Verdict: GO \(1 blocking check passed\)/);
    assert.ok(message.includes(`Run: ${json.run_id}`), message);
    assert.ok(json.record_file && message.includes(`Launch record: ${json.record_file}`), message);
    assert.match(message, /checkout \(owner carol\): pass/);
    assert.equal(json.checks.at(-1)?.id, 'tag', 'the tag check comes after every other check');
    assert.equal(json.checks.at(-1)?.status, 'pass');
    const tagObject = git(dir, 'rev-parse', 'v1.4.0');

    const second = await run(dir, '--tag', '1.4.0');
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stdout, /tag v1\.4\.0 already exists .*never moves a tag/);
    assert.equal(git(dir, 'rev-parse', 'v1.4.0'), tagObject, 'the existing tag is untouched');
  });

  test('--tag v9.9.9 names the tag v9.9.9, not vv9.9.9', async () => {
    const dir = await exampleRepo();
    const res = await run(dir, '--tag', 'v9.9.9');
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.equal(git(dir, 'tag', '-l'), 'v9.9.9');
  });

  test('refused before anything runs (exit 2, no tag): with --only, with --shard, with an untracked file that is not ignored', async () => {
    const dir = await exampleRepo();
    const only = await run(dir, '--tag', '1.4.0', '--only', 'paths');
    assert.equal(only.code, 2, only.stdout);
    assert.match(only.stderr, /--tag tags a complete run: it cannot be combined with --only paths/);
    const shard = await run(dir, '--tag', '1.4.0', '--shard', '1/2');
    assert.equal(shard.code, 2, shard.stdout);
    assert.match(shard.stderr, /tag the joined result with `preflight merge --tag/);
    await writeFile(path.join(dir, 'forgotten.py'), 'print("used by the checks, never committed")\n');
    const untracked = await run(dir, '--tag', '1.4.0');
    assert.equal(untracked.code, 2, untracked.stdout);
    assert.match(
      untracked.stderr,
      /--tag needs a clean working tree, and 1 file is uncommitted .*: forgotten\.py/,
    );
    assert.equal(only.stdout + shard.stdout + untracked.stdout, '', 'nothing ran');
    assert.equal(git(dir, 'tag', '-l'), '', 'no tag');
  });

  test('the shards of one commit, merged with --tag, tag the release', async () => {
    const dir = await exampleRepo();
    for (const i of [1, 2]) {
      const shard = await run(dir, '--shard', `${i}/2`, '--json', out(`shard-${i}.json`));
      assert.equal(shard.code, 0, shard.stdout);
    }
    const one = await runCli(['merge', '--tag', '1.7.0', '--plan', 'release.yaml', out('shard-1.json')], {
      cwd: dir,
      env: IDENTITY,
    });
    assert.equal(one.code, 2, 'one shard of two is refused');
    const merged = await runCli(
      ['merge', '--tag', '1.7.0', '--plan', 'release.yaml', out('shard-1.json'), out('shard-2.json')],
      { cwd: dir, env: IDENTITY },
    );
    assert.equal(merged.code, 0, `${merged.stdout}\n${merged.stderr}`);
    assert.equal(git(dir, 'tag', '-l'), 'v1.7.0');
  });

  test('NO-GO creates no tag', async () => {
    const dir = await exampleRepo();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'orders.py'),
      /status_code=status.HTTP_201_CREATED/,
      'status_code=500',
    );
    git(dir, 'commit', '-qam', 'break payment');
    const res = await run(dir, '--tag', '1.5.0', '--json', out('nogo.json'));
    assert.equal(res.code, 1, res.stdout);
    assert.equal(git(dir, 'tag', '-l', 'v1.5.0'), '');
    const json = JSON.parse(await readFile(out('nogo.json'), 'utf8')) as RunResult;
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
