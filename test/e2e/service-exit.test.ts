/**
 * A service that dies during a check: the built CLI runs our fixture (test/fixtures/crashing-service,
 * a FastAPI app under uvicorn that exits with code 3 after POST /jobs, or at once under a fuzzed
 * GET /report). A check that passed on what it saw before fails on the exit; a check after it says
 * the service is gone instead of "connection refused"; the contract check does not blame a lost user.
 */
import assert from 'node:assert/strict';
import { cp, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

async function fixture(): Promise<string> {
  const dir = path.join(await tempDir('preflight-service-exit-'), 'svc');
  await cp(path.join(ROOT, 'test', 'fixtures', 'crashing-service'), dir, { recursive: true });
  await symlink(path.join(ROOT, 'examples', 'shop', '.venv'), path.join(dir, '.venv'));
  return dir;
}

async function run(
  dir: string,
  args: string[],
): Promise<{ code: number | null; out: string; json: RunResult }> {
  const res = await runCli(['run', '--json', 'out.json', '--no-store', ...args], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
  return { code: res.code, out: `${res.stdout}\n${res.stderr}`, json };
}

describe('a service that exits during the run', () => {
  test('the check it died under fails though its command passed; the next check says the service is gone', async () => {
    const dir = await fixture();
    const { code, out, json } = await run(dir, ['--only', 'jobs,health', '--concurrency', '1']);
    assert.equal(code, 1, out);
    const jobs = json.checks.find((c) => c.id === 'jobs');
    assert.equal(jobs?.command?.exit_code, 0, out);
    assert.equal(jobs?.status, 'fail', out);
    assert.match(jobs?.summary ?? '', /^the service exited with code 3 while this check ran/);
    const finding = jobs?.findings?.find((f) => f.rule === 'SERVICE_EXITED');
    assert.match(
      finding?.excerpt ?? '',
      /POST \/jobs HTTP\/1\.1" 202/,
      'the last lines of its output are shown',
    );
    const health = json.checks.find((c) => c.id === 'health');
    assert.equal(health?.status, 'error', out);
    assert.equal(health?.error?.code, 'SERVICE_EXITED');
    assert.match(health?.summary ?? '', /exited with code 3 during an earlier check/);
    assert.doesNotMatch(out, /ECONNREFUSED|connection refused/i);
    assert.match(out, /NO-GO/);
  });

  test('a step retried against a service that exited stops retrying, and the clean-up after it is skipped', async () => {
    const dir = await fixture();
    const { code, out, json } = await run(dir, ['--only', 'paths']);
    assert.equal(code, 1, out);
    const paths = json.checks.find((c) => c.kind === 'paths');
    assert.match(paths?.summary ?? '', /^the service exited with code 3 while this check ran/);
    const wait = json.paths[0]?.steps[1];
    assert.equal(wait?.status, 'error', JSON.stringify(wait));
    // 31 attempts 500 ms apart would take 15 s; it stops at the first after the exit was seen.
    assert.ok((wait?.attempts ?? 99) <= 3, `attempts: ${wait?.attempts}`);
    // The clean-up step is not sent to a service that is gone: skipped, saying why.
    const cleanUp = json.paths[0]?.steps[2];
    assert.equal(cleanUp?.status, 'skip', JSON.stringify(cleanUp));
    assert.match(cleanUp?.skip_reason ?? '', /^the service exited with code 3/);
  });

  test('the contract check: the exit is said, not a lost user, and the last request before it is reproducible', async () => {
    const dir = await fixture();
    const { code, out, json } = await run(dir, ['--only', 'contract']);
    assert.equal(code, 1, out);
    const contract = json.checks.find((c) => c.kind === 'contract');
    assert.equal(contract?.status, 'fail', out);
    assert.match(contract?.summary ?? '', /^the service exited with code 3 while this check ran/);
    assert.doesNotMatch(contract?.summary ?? '', /could not log in again/);
    // Nothing was asked of a dead service: no coverage claim either way about the login.
    assert.ok(
      !contract?.coverage?.some((c) => /could still log in/.test(c.what)),
      JSON.stringify(contract?.coverage),
    );
    const unavailable = contract?.contract?.findings.find((f) => f.check === 'Server Unavailable');
    assert.ok(unavailable, JSON.stringify(contract?.contract?.findings.map((f) => [f.operation, f.check])));
    assert.match(unavailable.curl ?? '', /^curl -X GET .*\/report\?/);
  });
});
