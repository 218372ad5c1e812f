/**
 * Helpers for the rehearsal tests: a staging root in a temp dir, `preflight rehearse` on a
 * candidate copy of the example against a baseline copy, and what it left behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CheckResult } from '../../src/checks/result.js';
import type { RunResult } from '../../src/run/result.js';
import { addRevision } from './alembic.js';
import { type CliResult, processesIn, runCli, tempDir } from './cli.js';

const exec = promisify(execFile);

/** What one rehearsal produced. */
export interface Rehearsed {
  res: CliResult;
  json: RunResult;
  rehearsal: CheckResult;
  record: string;
}

/** Run `preflight rehearse` on the candidate's plan, with SHOP_DEPLOY_ROOT=root. */
export async function rehearse(candidate: string, root: string, extra: string[] = []): Promise<Rehearsed> {
  const res = await runCli(
    ['rehearse', '--plan', 'preflight.yaml', '--json', 'out.json', '--record', 'records', ...extra],
    {
      cwd: candidate,
      env: { SHOP_DEPLOY_ROOT: root },
      timeoutMs: 150_000,
    },
  );
  const json = JSON.parse(await readFile(path.join(candidate, 'out.json'), 'utf8')) as RunResult;
  const rehearsal = json.checks.find((c) => c.kind === 'rehearsal');
  assert.ok(rehearsal, `a rehearsal check in ${res.stdout}\n${res.stderr}`);
  const files = (await readdir(path.join(candidate, 'records'))).filter((f) => f.endsWith('.md'));
  const record = await readFile(path.join(candidate, 'records', files[0] as string), 'utf8');
  return { res, json, rehearsal, record };
}

/** A staging root; after the test, the app is stopped (in case a test failed half-way) and nothing is left. */
export async function stagingRoot(
  t: { after: (fn: () => Promise<void>) => void },
  scripts: string,
): Promise<string> {
  const root = await tempDir('preflight-staging-');
  t.after(async () => {
    await exec(path.join(scripts, 'deploy', 'supervise.sh'), ['stop'], {
      env: { ...process.env, SHOP_DEPLOY_ROOT: root },
    }).catch(() => {});
  });
  return root;
}

/** Processes left running from a staging root (by their working directory). */
export function leftIn(root: string): string[] {
  return processesIn(root);
}

/** Run one of the example's deploy scripts directly, as an operator would. */
export async function runScript(
  app: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  return exec(path.join(app, 'deploy', script), args, { env: { ...process.env, ...env }, timeout: 60_000 });
}

/** Add a migration to a copy of the example: an Alembic revision named `name` whose upgrade runs `sql`. */
export async function addMigration(app: string, name: string, sql: string): Promise<void> {
  await addRevision(app, name, sql);
}
