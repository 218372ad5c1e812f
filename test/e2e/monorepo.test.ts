/**
 * A plan in a subdirectory: `backend/preflight.yaml` of a git repository whose root is one
 * level up, run from the root. Git facts are the repository's with the plan's directory named,
 * `compare`'s baseline worktree starts the app from the same subdirectory, and the launch
 * record's "How to repeat" starts at the root: `cd backend && npx preflight … --plan
 * preflight.yaml` with the flags used and the names of what the plan reads.
 */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { runCli, tempDir } from '../support/cli.js';
import { type ScopedRepo, scopedRepo } from '../support/scoped.js';

let fixture: ScopedRepo;
let out: string;

before(async () => {
  fixture = await scopedRepo('backend');
  out = await tempDir('preflight-monorepo-out-');
});

after(async () => {
  await rm(path.dirname(fixture.repo), { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

/** Run preflight from the repository's root; the JSON result and the launch record. */
async function fromRoot(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; json: RunResult; record: string; output: string }> {
  const records = path.join(out, `${name}-records`);
  const json = path.join(out, `${name}.json`);
  const res = await runCli([...args, '--json', json, '--record', records, '--no-store'], {
    cwd: fixture.repo,
    env,
    timeoutMs: 150_000,
  });
  const output = `${res.stdout}\n${res.stderr}`;
  const files = await readdir(records).catch(() => [] as string[]);
  const md = files.find((f) => f.endsWith('.md'));
  assert.ok(md, `a launch record in ${records}\n${output}`);
  return {
    code: res.code,
    json: JSON.parse(await readFile(json, 'utf8')) as RunResult,
    record: await readFile(path.join(records, md), 'utf8'),
    output,
  };
}

function repeat(record: string): string {
  const start = record.indexOf('## How to repeat');
  assert.ok(start >= 0, record);
  const end = record.indexOf('\n## ', start + 1);
  return record.slice(start, end < 0 ? undefined : end);
}

describe('a plan in backend/ of a repository', () => {
  test('run: git scope of the repository, the plan directory named, How to repeat from the root', async () => {
    const clean = await fromRoot('run', [
      'run',
      '--plan',
      'backend/preflight.yaml',
      '--only',
      'paths,database',
    ]);
    assert.equal(clean.code, 0, clean.output);
    const commit = fixture.git('rev-parse', 'HEAD').trim();
    assert.equal(clean.json.git?.plan_dir, 'backend');
    assert.equal(clean.json.git?.commit, commit);
    assert.equal(clean.json.git?.dirty, false, `clean: ${clean.json.git?.uncommitted.join(', ')}`);
    const how = repeat(clean.record);
    assert.ok(
      how.includes(
        `\`\`\`sh\ngit checkout ${commit}\ncd backend\nnpx preflight run --plan preflight.yaml --only paths,database\n\`\`\``,
      ),
      how,
    );
    assert.match(
      how,
      /environment variables: `SCOPED_ROOT`; optional \(the plan has a fallback\): `SCOPED_DB`/,
    );
    assert.deepEqual(clean.json.needs, { env: ['SCOPED_ROOT'], env_optional: ['SCOPED_DB'], secrets: [] });

    // A change under backend/: the repository is dirty, the file is named from the root.
    await appendFile(path.join(fixture.app, 'app.py'), '\n# a local change\n');
    try {
      const dirty = await fromRoot('run-dirty', [
        'run',
        '--plan',
        'backend/preflight.yaml',
        '--only',
        'paths',
      ]);
      assert.equal(dirty.code, 0, dirty.output);
      assert.equal(dirty.json.git?.dirty, true);
      assert.deepEqual(dirty.json.git?.uncommitted, ['backend/app.py']);
      assert.ok(dirty.json.git?.files_touched.includes('backend/app.py'));
      assert.match(repeat(dirty.record), /working tree was dirty/);
    } finally {
      fixture.git('checkout', '--', 'backend/app.py');
    }
  });

  test('compare: the baseline worktree starts the app from backend/, and How to repeat says compare', async () => {
    const res = await fromRoot('compare', ['compare', 'v1', '--plan', 'backend/preflight.yaml']);
    const metrics = res.json.metrics;
    assert.equal(metrics?.baseline.source, 'git', res.output);
    const errors = metrics?.comparisons.find(
      (c) => c.path === 'sign-up' && c.step === null && c.metric === 'errors',
    );
    assert.equal(errors?.before, 0, res.output);
    assert.equal(errors?.after, 0, res.output);
    assert.equal(fixture.git('worktree', 'list').trim().split('\n').length, 1, 'the worktree is removed');
    const how = repeat(res.record);
    assert.ok(how.includes('\ncd backend\nnpx preflight compare --plan preflight.yaml v1\n'), how);
    assert.match(how, /Baseline of the metrics: `v1 \([0-9a-f]+\)`, checked out from git\./);
  });

  test('rehearse: every phase passes from backend/, and How to repeat says rehearse', async (t) => {
    const root = await tempDir('preflight-monorepo-staging-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const res = await fromRoot('rehearse', ['rehearse', '--plan', 'backend/preflight.yaml'], {
      SCOPED_ROOT: root,
    });
    const rehearsal = res.json.checks.find((c) => c.kind === 'rehearsal');
    assert.ok(
      rehearsal?.phases?.every((p) => p.status === 'pass'),
      `${rehearsal?.summary}\n${res.output}`,
    );
    assert.equal(res.code, 0, res.output);
    assert.ok(repeat(res.record).includes('\ncd backend\nnpx preflight rehearse --plan preflight.yaml\n'));
  });
});
