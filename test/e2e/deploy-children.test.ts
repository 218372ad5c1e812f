/**
 * A deploy command that starts staging's service as a background child in its own process
 * group (`nohup uvicorn … &`, output to the command's pipe) and exits: the child keeps running
 * until the rehearsal ends, then preflight stops the group. Nothing is left when preflight
 * ends, whether the plan has a `stop` command or not, and even when preflight is SIGKILLed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { patchFile, processesMatching, runCli, tempDir, waitFor } from '../support/cli.js';
import { type ScopedRepo, scopedRepo } from '../support/scoped.js';

let fixture: ScopedRepo;

before(async () => {
  fixture = await scopedRepo();
  const deploy = path.join(fixture.app, 'deploy', 'deploy.sh');
  // The plain background child: same process group, output to the deploy command's pipe.
  await patchFile(deploy, 'setsid .venv/bin/uvicorn', 'nohup .venv/bin/uvicorn');
  await patchFile(deploy, '  </dev/null >>"$SCOPED_ROOT/app.log" 2>&1 &', '  </dev/null &');
  // No stop command: preflight's own stop of the group is what ends staging.
  await patchFile(path.join(fixture.app, 'preflight.yaml'), '  stop: ./deploy/stop.sh\n', '');
});

after(async () => {
  await rm(path.dirname(fixture.repo), { recursive: true, force: true });
});

/** uvicorn processes of the fixture app (whatever their port). */
const apps = (): string[] =>
  processesMatching(`${fixture.app}/.venv/bin/uvicorn`).concat(
    processesMatching('uvicorn app:app --host 127.0.0.1 --port').filter((l) => !l.includes('setsid')),
  );

describe('deploy commands with background children', () => {
  test('nohup app &: every phase passes, and the app is stopped when the rehearsal ends', async (t) => {
    const root = await tempDir('preflight-children-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const res = await runCli(['rehearse', '--plan', 'preflight.yaml', '--json', 'out.json', '--no-store'], {
      cwd: fixture.app,
      env: { SCOPED_ROOT: root },
      timeoutMs: 150_000,
    });
    const json = JSON.parse(await readFile(path.join(fixture.app, 'out.json'), 'utf8')) as RunResult;
    const rehearsal = json.checks.find((c) => c.kind === 'rehearsal');
    assert.deepEqual(
      rehearsal?.phases?.map((p) => `${p.name} ${p.status}`),
      ['deploy pass', 'paths pass', 'rollback pass', 'paths pass', 'redeploy pass', 'paths pass'],
      `${rehearsal?.summary}\n${res.stdout}\n${res.stderr}`,
    );
    assert.equal(res.code, 0);
    const port = new URL(rehearsal?.staging?.url ?? 'http://x:1').port;
    assert.deepEqual(processesMatching(`--port ${port}`), [], 'staging was stopped with the rehearsal');
  });

  test('preflight SIGKILLed mid-rehearsal: the supervisor stops the deploy children', async (t) => {
    const root = await tempDir('preflight-children-kill-');
    t.after(() => rm(root, { recursive: true, force: true }));
    const pidFile = path.join(root, 'app.pid');
    let killed = false;
    const res = await runCli(['rehearse', '--plan', 'preflight.yaml', '--no-store'], {
      cwd: fixture.app,
      env: { SCOPED_ROOT: root },
      timeoutMs: 150_000,
      onSpawn: (child) => {
        // Once the first deploy's app answers, preflight goes.
        const poll = setInterval(() => {
          try {
            const pid = Number(execFileSync('cat', [pidFile], { encoding: 'utf8' }).trim());
            execFileSync('kill', ['-0', String(pid)]);
            clearInterval(poll);
            setTimeout(() => {
              killed = child.kill('SIGKILL');
            }, 1500);
          } catch {
            // Not deployed yet.
          }
        }, 100);
        child.once('exit', () => clearInterval(poll));
      },
    });
    assert.ok(killed, `preflight was killed mid-rehearsal\n${res.stdout}`);
    const pid = (await readFile(pidFile, 'utf8')).trim();
    await waitFor(
      () => {
        try {
          execFileSync('kill', ['-0', pid], { stdio: 'ignore' });
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      `the deploy's child (pid ${pid}) to be stopped by the supervisor`,
    );
    assert.ok(apps().every((l) => !l.startsWith(`${pid} `)));
  });
});
