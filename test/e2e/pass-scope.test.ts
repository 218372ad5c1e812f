/**
 * One plan through every pass of the critical paths: `run` (the paths check, then the database
 * check's capture run against the same database), `rehearse` (three paths phases against one
 * staging database) and `compare` (baseline and candidate, many iterations each). The fixture
 * serves its OpenAPI document at /api/v1/openapi.json (`service.openapi`) and refuses a
 * repeated sign-up e-mail (400); its e-mail is a plan variable made of `{{ run.id }}`. Every
 * pass must get its own e-mail and read the document from `service.openapi`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { MetricComparison } from '../../src/checks/metrics/result.js';
import type { RunResult } from '../../src/run/result.js';
import { processesMatching, runCli, tempDir } from '../support/cli.js';
import { type ScopedRepo, scopedRepo } from '../support/scoped.js';

let fixture: ScopedRepo;

before(async () => {
  fixture = await scopedRepo();
});

after(async () => {
  await rm(path.dirname(fixture.repo), { recursive: true, force: true });
});

const readJson = async (file: string): Promise<RunResult> =>
  JSON.parse(await readFile(file, 'utf8')) as RunResult;

/** The e-mails the app has registered, from its SQLite file. */
function emails(db: string): string[] {
  const out = execFileSync(
    path.join(fixture.app, '.venv', 'bin', 'python'),
    [
      '-c',
      'import sqlite3,sys; print("\\n".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select email from users order by id")))',
      db,
    ],
    { encoding: 'utf8' },
  );
  return out.trim().split('\n').filter(Boolean);
}

describe('one scope per pass', () => {
  test('run: the paths check and the database capture each sign up their own user, schema from service.openapi', async () => {
    const res = await runCli(
      ['run', '--plan', 'preflight.yaml', '--only', 'paths,database', '--json', 'out.json', '--no-store'],
      {
        cwd: fixture.app,
        timeoutMs: 120_000,
      },
    );
    const json = await readJson(path.join(fixture.app, 'out.json'));
    const paths = json.checks.find((c) => c.id === 'paths');
    const database = json.checks.find((c) => c.id === 'database');
    assert.equal(paths?.status, 'pass', `${paths?.summary}\n${res.stdout}`);
    assert.equal(database?.status, 'pass', `${database?.summary}\n${res.stdout}`);
    assert.deepEqual(
      database?.coverage?.find((c) => c.what === 'critical paths captured'),
      { what: 'critical paths captured', covered: 1, asked: 1 },
    );
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    // Both passes went to one database: two users, two e-mails, neither reused.
    const registered = emails(path.join(fixture.app, '.preflight', 'runs', json.run_id, 'scoped.db'));
    assert.equal(registered.length, 2, registered.join(', '));
    assert.notEqual(registered[0], registered[1]);
    assert.equal(registered[0], `u-${json.run_id}@example.test`);
  });

  test('rehearse: each of the three paths phases signs up its own user, schema from service.openapi', async (t) => {
    const root = await tempDir('preflight-scoped-staging-');
    t.after(async () => {
      execFileSync(path.join(fixture.app, 'deploy', 'stop.sh'), {
        env: { ...process.env, SCOPED_ROOT: root },
      });
      await rm(root, { recursive: true, force: true });
    });
    const res = await runCli(['rehearse', '--plan', 'preflight.yaml', '--json', 'out-rehearse.json'], {
      cwd: fixture.app,
      env: { SCOPED_ROOT: root, PREFLIGHT_STORE: path.join(root, 'history.db') },
      timeoutMs: 150_000,
    });
    const json = await readJson(path.join(fixture.app, 'out-rehearse.json'));
    const rehearsal = json.checks.find((c) => c.kind === 'rehearsal');
    const phases = rehearsal?.phases ?? [];
    assert.deepEqual(
      phases.map((p) => `${p.name} ${p.status}`),
      ['deploy pass', 'paths pass', 'rollback pass', 'paths pass', 'redeploy pass', 'paths pass'],
      `${rehearsal?.summary}\n${res.stdout}`,
    );
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    const registered = emails(path.join(root, 'scoped.db'));
    assert.equal(registered.length, 3, registered.join(', '));
    assert.equal(new Set(registered).size, 3, `three different e-mails: ${registered.join(', ')}`);
    assert.deepEqual(
      processesMatching(`--port ${new URL(rehearsal?.staging?.url ?? 'http://x:1').port}`),
      [],
    );
  });

  test('compare: every iteration of both sides signs up its own user, no errors on either side', async () => {
    const res = await runCli(['compare', 'v1', '--plan', 'preflight.yaml', '--json', 'out-compare.json'], {
      cwd: fixture.app,
      timeoutMs: 150_000,
    });
    const json = (await readJson(path.join(fixture.app, 'out-compare.json'))) as RunResult & {
      metrics?: { comparisons: Pick<MetricComparison, 'path' | 'step' | 'metric' | 'before' | 'after'>[] };
    };
    const errors = json.metrics?.comparisons.find(
      (c) => c.path === 'sign-up' && c.step === null && c.metric === 'errors',
    );
    assert.ok(errors, `an errors comparison in ${res.stdout}\n${res.stderr}`);
    assert.equal(errors.before, 0, `baseline errors (%)\n${res.stdout}`);
    assert.equal(errors.after, 0, `candidate errors (%)\n${res.stdout}`);
    assert.deepEqual(
      fixture.git('worktree', 'list').trim().split('\n').length,
      1,
      'the baseline worktree is removed',
    );
  });
});
