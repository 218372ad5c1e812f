/**
 * Nothing outlives preflight, even under `kill -9`. preflight is SIGKILLed at a point it reaches
 * for certain (a command of the plan touches a file and waits): during `run` (the service up,
 * started normally, with setsid, and as a setsid -f daemon), during `compare` (both releases
 * up, the baseline's git worktree checked out) and during `rehearse` (mid-rollback, staging
 * down). Then no process it started is left, and the next run removes the worktree and the
 * lock it left, puts staging back on its release (healthy), and says what it cleaned. A service
 * that escapes its process group in a run that ends normally is found, killed and reported.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/process/service.js';
import type { RunResult } from '../../src/run/result.js';
import { CLI, copyExample, patchFile, processesIn, runCli, tempDir } from '../support/cli.js';
import { git } from '../support/git.js';
import { runScript, stagingRoot } from '../support/staging.js';

/** Processes that carry the token of preflight process `pid` (started by it, escaped or not). */
function startedBy(pid: number): string[] {
  const needle = Buffer.from(`PREFLIGHT_OWNER=${pid}-`);
  const out: string[] = [];
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (!readFileSync(`/proc/${p}/environ`).includes(needle)) continue;
      if (readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      out.push(`${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // gone
    }
  }
  return out;
}

/** Start `preflight ARGS` without waiting for it; its output goes to `cwd/preflight.out`. */
function launch(args: string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  const out = openSync(path.join(cwd, 'preflight.out'), 'w');
  return spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    stdio: ['ignore', out, out],
  });
}

function outputOf(cwd: string): string {
  return readFileSync(path.join(cwd, 'preflight.out'), 'utf8');
}

/** Wait until `file` exists (preflight reached the point), bounded generously. */
async function reached(file: string, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (existsSync(file)) return;
    if (child.exitCode !== null)
      throw new Error(
        `preflight exited (${child.exitCode}) before ${what}:\n${outputOf(path.dirname(file))}`,
      );
    await sleep(100);
  }
  throw new Error(`preflight did not reach ${what} within 120 s`);
}

/** SIGKILL preflight and wait until the supervisor has stopped everything it started. */
async function killNine(child: ChildProcess): Promise<string[]> {
  const pid = child.pid as number;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  for (let i = 0; i < 200 && startedBy(pid).length > 0; i++) await sleep(100);
  return startedBy(pid);
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    get(`http://127.0.0.1:${port}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

const SERVICES: Record<string, string> = {
  'a service in its group': '.venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}',
  'a service that calls setsid':
    "sh -c 'setsid .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port} & wait'",
  'a setsid -f daemon':
    'setsid -f .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}; exec sleep 600',
};

async function servicePlan(dir: string, start: string, hold: boolean): Promise<void> {
  await writeFile(
    path.join(dir, 'kill.yaml'),
    `version: 1
service:
  name: shop
  start: ${JSON.stringify(start)}
  ready: GET /healthz
  env: { DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db" }
checks:
  hold: { run: ${JSON.stringify(hold ? 'touch hold.started; sleep 300' : 'true')}, needs: [service] }
`,
  );
}

describe('kill -9 of preflight', () => {
  test('during run: no process is left, whatever way the service runs', { timeout: 240_000 }, async () => {
    const dir = await copyExample();
    for (const [name, start] of Object.entries(SERVICES)) {
      await servicePlan(dir, start, true);
      const child = launch(['run', '--plan', 'kill.yaml', '--no-store'], dir);
      await reached(path.join(dir, 'hold.started'), child, `the hold check (${name})`);
      assert.ok(
        startedBy(child.pid as number).some((p) => /uvicorn/.test(p)),
        `${name}: the service runs`,
      );
      assert.deepEqual(await killNine(child), [], `${name}: nothing of the killed run is left`);
      rmSync(path.join(dir, 'hold.started'));
    }
  });

  test('a run that ends normally kills and reports a service that escaped its group', {
    timeout: 120_000,
  }, async () => {
    const dir = await copyExample();
    for (const [name, start] of Object.entries(SERVICES).slice(1)) {
      await servicePlan(dir, start, false);
      const res = await runCli(['run', '--plan', 'kill.yaml', '--no-store', '--json', 'out.json'], {
        cwd: dir,
      });
      assert.equal(res.code, 0, `${name}: ${res.stdout}\n${res.stderr}`);
      const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      assert.match(
        (json.cleanup ?? []).join('\n'),
        /left its process group.*uvicorn|uvicorn.*left its process group/s,
        name,
      );
      assert.match(res.stdout, /cleaned up: killed a process/, name);
      assert.deepEqual(processesIn(dir), [], `${name}: nothing left`);
    }
  });

  test('during compare: nothing left, and the next run removes the baseline worktree', {
    timeout: 240_000,
  }, async () => {
    const dir = await copyExample();
    const markers = await tempDir('preflight-kill-compare-');
    await patchFile(
      path.join(dir, 'preflight.yaml'),
      'start: .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}',
      'start: mktemp "$KILL_MARKERS/started.XXXXXX" >/dev/null; exec .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}',
    );
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'v1');
    git(dir, 'tag', 'v1');
    const child = launch(['compare', 'v1', '--duration', '120s'], dir, { KILL_MARKERS: markers });
    for (let i = 0; i < 1800 && readdirSync(markers).length < 2 && child.exitCode === null; i++)
      await sleep(100);
    assert.equal(readdirSync(markers).length, 2, `both releases were started:\n${outputOf(dir)}`);
    // Both answer: the measurement is under way.
    const ready = (): boolean => {
      const runs = path.join(dir, '.preflight', 'runs');
      return readdirSync(runs).some((run) =>
        ['baseline', 'candidate'].every((side) => {
          const log = path.join(runs, run, side, 'service.log');
          return existsSync(log) && readFileSync(log, 'utf8').includes('Application startup complete');
        }),
      );
    };
    for (let i = 0; i < 1200 && !ready() && child.exitCode === null; i++) await sleep(100);
    assert.ok(ready(), `both services are up:\n${outputOf(dir)}`);
    const worktrees = git(dir, 'worktree', 'list', '--porcelain');
    assert.match(worktrees, /preflight-baseline-/, 'the baseline worktree is checked out');
    assert.deepEqual(await killNine(child), [], 'nothing of the killed compare is left');
    const stale = /worktree (\S*preflight-baseline-[^/\s]+\/tree)/.exec(worktrees)?.[1] as string;
    const res = await runCli(['run', '--only', 'lint', '--no-store', '--json', 'next.json'], { cwd: dir });
    const json = JSON.parse(await readFile(path.join(dir, 'next.json'), 'utf8')) as RunResult;
    assert.match(
      (json.cleanup ?? []).join('\n'),
      /removed the baseline worktree/,
      `${res.stdout}\n${res.stderr}`,
    );
    assert.doesNotMatch(git(dir, 'worktree', 'list', '--porcelain'), /preflight-baseline-/);
    assert.ok(!existsSync(path.dirname(stale)), 'its directory is gone');
  });

  test('during rehearse (mid-rollback, staging down): the next run restores staging', {
    timeout: 300_000,
  }, async (t) => {
    const candidate = await copyExample();
    const baseline = await copyExample();
    const port = await freePort();
    const root = await stagingRoot(t, candidate);
    const env = { SHOP_DEPLOY_ROOT: root, SHOP_PORT: String(port) };
    // Staging runs the previous release, as a real staging does.
    await runScript(candidate, 'deploy.sh', [baseline], env);
    const before = (await runScript(candidate, 'supervise.sh', ['current'], env)).stdout.trim();
    assert.ok(await healthy(port), 'staging is up before the rehearsal');
    const plan = path.join(candidate, 'preflight.yaml');
    await patchFile(plan, 'url: http://127.0.0.1:{port}', `url: http://127.0.0.1:${port}`);
    await patchFile(plan, 'SHOP_PORT: "{port}"', `SHOP_PORT: "${port}"`);
    // The rollback takes staging down, then hangs: preflight is killed there.
    await patchFile(
      plan,
      'rollback: ./deploy/rollback.sh',
      'rollback: ./deploy/supervise.sh stop && touch rollback.started && sleep 300',
    );
    const child = launch(['rehearse', '--plan', 'preflight.yaml'], candidate, env);
    await reached(path.join(candidate, 'rollback.started'), child, 'the rollback');
    assert.ok(
      existsSync(path.join(candidate, '.preflight', 'rehearsal.lock')),
      'the rehearsal holds its lock',
    );
    assert.deepEqual(await killNine(child), [], 'nothing of the killed rehearsal is left');
    assert.equal(await healthy(port), false, 'staging is down');
    const res = await runCli(['run', '--only', 'lint', '--no-store', '--json', 'next.json'], {
      cwd: candidate,
      env,
      timeoutMs: 150_000,
    });
    const json = JSON.parse(await readFile(path.join(candidate, 'next.json'), 'utf8')) as RunResult;
    const cleanup = (json.cleanup ?? []).join('\n');
    assert.match(cleanup, /ended during its rollback phase/, `${res.stdout}\n${res.stderr}`);
    assert.match(cleanup, new RegExp(`staging is back on release ${before}`));
    assert.match(res.stdout, /cleaned up: a rehearsal/);
    assert.ok(!existsSync(path.join(candidate, '.preflight', 'rehearsal.lock')), 'the lock is gone');
    assert.ok(await healthy(port), 'staging is healthy');
    assert.equal((await runScript(candidate, 'supervise.sh', ['current'], env)).stdout.trim(), before);
  });
});
