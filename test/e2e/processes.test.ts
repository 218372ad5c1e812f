/**
 * Processes under faults (SIGINT and SIGTERM are in lifecycle.test.ts): the service is
 * killed with SIGKILL in the middle of a run, a check hangs past its timeout, a reporter
 * throws. After each, no process preflight started is alive and the exit code (or the
 * verdict, through the library) is the documented one.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadPlan } from '../../src/plan/load.js';
import { createMultiplexer, type Reporter } from '../../src/report/reporter.js';
import type { RunResult } from '../../src/run/result.js';
import { runPlan } from '../../src/run/run.js';
import { copyExample, processesIn, runCli, serviceUp, waitFor } from '../support/cli.js';
import { HEALTH_PATH, SHOP_SERVICE } from '../support/plan-text.js';

/** The pid of the uvicorn process running in `dir`, if any. */
function uvicornPid(dir: string): number | undefined {
  const line = processesIn(dir).find((p) => /uvicorn/.test(p));
  return line ? Number(line.split(' ')[0]) : undefined;
}

describe('processes under faults', () => {
  test('kill -9 of the service mid-run: the running step errors with the reason, the rest is skipped saying why, exit 1, nothing left', {
    timeout: 60_000,
  }, async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'kill.yaml'),
      `${SHOP_SERVICE}paths: { concurrency: 1, step_timeout: 2s }
critical_paths:
  - name: poll
    owner: ops
    expect: the service keeps answering
    rollback: none
    steps:
      - name: wait
        request: { url: /healthz }
        retry: { count: 40, interval: 250ms, until: { status: 299 } }
      - name: after
        request: { url: /healthz }
${HEALTH_PATH}`,
    );
    const started = performance.now();
    const running = runCli(['run', '--plan', 'kill.yaml', '--json', 'out.json', '--no-store'], { cwd: dir });
    // Kill it only once it serves (under load, start-up can take seconds), mid-poll.
    await waitFor(() => uvicornPid(dir) !== undefined && serviceUp(dir), 30_000, 'uvicorn to serve');
    await new Promise((r) => setTimeout(r, 500));
    process.kill(uvicornPid(dir) as number, 'SIGKILL');
    const res = await running;
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.ok(performance.now() - started < 40_000, 'no hang after the service died');
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const poll = json.paths.find((p) => p.name === 'poll');
    const wait = poll?.steps[0];
    assert.equal(wait?.status, 'error', JSON.stringify(wait));
    // Retries stop once the exit is seen: the last attempt was either in flight when the service
    // died (reset) or sent after (refused).
    assert.ok(
      ['HTTP_CONNECTION_REFUSED', 'HTTP_CONNECTION_RESET'].includes(wait?.error?.code ?? ''),
      JSON.stringify(wait?.error),
    );
    assert.equal(poll?.steps[1]?.status, 'skip');
    assert.match(poll?.steps[1]?.skip_reason ?? '', /^the service was killed by SIGKILL/);
    const health = json.paths.find((p) => p.name === 'health');
    assert.equal(health?.steps[0]?.status, 'skip', 'later paths are not sent to a dead service');
    assert.match(health?.steps[0]?.skip_reason ?? '', /^the service was killed by SIGKILL/);
    const paths = json.checks.find((c) => c.kind === 'paths');
    assert.match(paths?.summary ?? '', /^the service was killed by SIGKILL while this check ran/);
    assert.deepEqual(processesIn(dir), [], 'nothing left running');
  });

  test('a check that hangs past its timeout is stopped: exit 3 (could not run) with the reason, no sleep left', {
    timeout: 60_000,
  }, async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'hang.yaml'),
      `${SHOP_SERVICE}checks:\n  hang: { run: "sleep 600", timeout: 2s }\ncritical_paths:\n${HEALTH_PATH}`,
    );
    const started = performance.now();
    const res = await runCli(['run', '--plan', 'hang.yaml', '--json', 'out.json', '--no-store'], {
      cwd: dir,
    });
    const seconds = (performance.now() - started) / 1000;
    // README "Exit codes": a blocking check that could not finish is exit 3, not a failed check (1).
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /COULD NOT RUN .*could not run hang \(the check did not finish within 2 s\)/);
    assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s`);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const hang = json.checks.find((c) => c.id === 'hang');
    assert.equal(hang?.status, 'error', JSON.stringify(hang));
    assert.equal(hang?.error?.code, 'CHECK_TIMEOUT');
    assert.equal(json.paths[0]?.status, 'pass', 'the other checks ran');
    assert.deepEqual(processesIn(dir), [], 'the sleep was killed');
  });

  test('through the library: a reporter that throws does not break the run; nothing left running', {
    timeout: 60_000,
  }, async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'lib.yaml'),
      `${SHOP_SERVICE}checks:\n  hang: { run: "sleep 600", timeout: 2s }\ncritical_paths:\n${HEALTH_PATH}`,
    );
    const errors: string[] = [];
    const seen: string[] = [];
    const broken: Reporter = {
      name: 'broken',
      onRunStart: () => {
        throw new Error('reporter bug at start');
      },
      onStepEnd: () => {
        throw new Error('reporter bug on a step');
      },
      onRunEnd: async () => {
        throw new Error('reporter bug at the end');
      },
    };
    const recording: Reporter = {
      name: 'recording',
      onCheckEnd: (r) => void seen.push(`${r.id} ${r.status}`),
      onRunEnd: (r) => void seen.push(`end ${r.verdict}`),
    };
    const reporter = createMultiplexer([broken, recording], (error, name) => {
      errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const loaded = await loadPlan(path.join(dir, 'lib.yaml'));
    const result = await runPlan({ loaded, reporter, env: { ...process.env } });
    await reporter.onRunEnd?.(result);
    assert.equal(result.verdict, 'no-go');
    assert.equal(result.exit_code, 3, 'the hanging check could not finish');
    assert.ok(seen.includes('paths pass') && seen.includes('hang error'), seen.join(', '));
    assert.equal(seen.at(-1), 'end no-go');
    assert.ok(errors.includes('broken: reporter bug at start'), errors.join('\n'));
    assert.ok(errors.includes('broken: reporter bug on a step'));
    assert.ok(errors.includes('broken: reporter bug at the end'));
    assert.deepEqual(processesIn(dir), [], 'the service and the sleep were stopped');
  });
});
