/**
 * The `cache` check through a real caching proxy: the example shop under uvicorn behind
 * Debian's nginx, started by `examples/shop/cdn/serve.sh good|leaky` in a copy of the example.
 * Correct config: GO with hit/miss per public path in the record. Misconfigured: NO-GO naming
 * the path, user B got user A's marker. Afterwards nothing of nginx or uvicorn is left.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ManagedProcess } from '../../src/process/process.js';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, processesIn, runCli, tempDir, waitFor } from '../support/cli.js';

interface Cdn {
  url: string;
  /** serve.sh's temp dir (nginx prefix, cache, database). */
  files: string;
  proc: ManagedProcess;
}

/** Start serve.sh in the copy `dir`; its stdout only goes to the pipe, so line 1 is the URL. */
async function startCdn(dir: string, mode: 'good' | 'leaky'): Promise<Cdn> {
  let output = '';
  const proc = new ManagedProcess(`exec bash cdn/serve.sh ${mode} 2>serve.err`, {
    cwd: dir,
    env: process.env,
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  try {
    await waitFor(() => output.includes('\n') || proc.done, 60_000, 'serve.sh to print its URL');
    const first = output.split('\n')[0] ?? '';
    assert.match(
      first,
      /^http:\/\/127\.0\.0\.1:\d+$/,
      `first line is the CDN URL (got ${JSON.stringify(output)})`,
    );
    const err = await readFile(path.join(dir, 'serve.err'), 'utf8');
    const files = /files in (\S+)/.exec(err)?.[1];
    assert.ok(files && existsSync(files), `serve.sh names its temp dir: ${err}`);
    return { url: first, files, proc };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** SIGTERM to serve.sh alone (not its group): it must stop nginx and uvicorn itself. */
async function stopCdn(cdn: Cdn, dir: string): Promise<void> {
  try {
    const running = processesIn(dir).join('\n');
    assert.match(running, /nginx: master process/, 'nginx ran inside the copy');
    assert.match(running, /uvicorn shop\.main:app/, 'uvicorn ran inside the copy');
    process.kill(cdn.proc.pid, 'SIGTERM');
    await waitFor(() => cdn.proc.done, 15_000, 'serve.sh to exit on SIGTERM');
    assert.equal((await cdn.proc.exited).exit_code, 0, 'serve.sh exits 0 on SIGTERM');
    assert.deepEqual(processesIn(dir), [], 'no nginx, uvicorn or shell is left');
    assert.ok(!existsSync(cdn.files), 'its temp dir is removed');
  } finally {
    await cdn.proc.stop();
  }
}

async function readJson(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

const ONLY_CACHE = ['run', '--plan', 'preflight.yaml', '--only', 'cache', '--json', 'out.json'];

describe('the cache check through nginx (examples/shop/cdn/serve.sh)', () => {
  test('good config: GO, hit/miss per public path in the record', async () => {
    const dir = await copyExample();
    const cdn = await startCdn(dir, 'good');
    try {
      const res = await runCli([...ONLY_CACHE, '--record', 'records'], {
        cwd: dir,
        env: { SHOP_CDN_URL: cdn.url },
      });
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const json = await readJson(path.join(dir, 'out.json'));
      const cache = json.checks.find((c) => c.id === 'cache');
      assert.equal(cache?.status, 'pass', cache?.summary);
      assert.equal(cache?.kind, 'cache');
      const publics = cache?.cache?.filter((o) => o.role === 'public') ?? [];
      assert.equal(publics.length, 3);
      for (const o of publics) {
        assert.equal(o.cdn_header, 'x-cache-status');
        assert.equal(o.requests[1]?.cdn, 'hit', `${o.path} is served from the cache the second time`);
      }
      const me = cache?.cache?.find((o) => o.path === '/me');
      assert.deepEqual(
        me?.requests.map((r) => [r.as, r.status]),
        [
          ['user A', 200],
          ['user B', 200],
          ['anonymous', 401],
        ],
      );
      const records = await readdir(path.join(dir, 'records'));
      const record = await readFile(path.join(dir, 'records', records[0] as string), 'utf8');
      assert.match(record, /## Cache/);
      assert.match(
        record,
        /`\/products` \| public \| `public, max-age=60` .*anonymous 200 \*\*(miss|hit)\*\* → anonymous 200 \*\*hit\*\*/,
      );
      assert.match(
        record,
        /`\/me` \| private \| `private, no-store` .*user A 200 .*user B 200 .*anonymous 401/,
      );
    } finally {
      await stopCdn(cdn, dir);
    }
  });

  test("misconfigured config: NO-GO naming the path, user B got user A's marker", async () => {
    const dir = await copyExample();
    const cdn = await startCdn(dir, 'leaky');
    try {
      const res = await runCli([...ONLY_CACHE, '--junit', 'out.xml'], {
        cwd: dir,
        env: { SHOP_CDN_URL: cdn.url },
      });
      assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /NO-GO/);
      assert.match(res.stdout, /cache-leak \/me: user B received user A's marker "preflight-[0-9a-f]{8}-a"/);
      const json = await readJson(path.join(dir, 'out.json'));
      const cache = json.checks.find((c) => c.id === 'cache');
      assert.equal(cache?.status, 'fail');
      assert.match(cache?.summary ?? '', /^cache-leak on \/me, \/cart, \/orders/);
      const leaks = cache?.findings?.filter((f) => f.kind === 'cache-leak') ?? [];
      assert.ok(leaks.some((f) => /^\/me: user B received user A's marker/.test(f.message)));
      assert.ok(leaks.some((f) => /^\/cart: user B was served a stored copy/.test(f.message)));
      // The marker is not a secret and is shown; the bearer tokens never are.
      const outputs = [
        res.stdout,
        await readFile(path.join(dir, 'out.json'), 'utf8'),
        await readFile(path.join(dir, 'out.xml'), 'utf8'),
      ];
      for (const text of outputs) assert.doesNotMatch(text, /Bearer [A-Za-z0-9_.-]{12,}/);
    } finally {
      await stopCdn(cdn, dir);
    }
  });
});

describe('the cache check without a CDN URL', () => {
  test('--only cache without SHOP_CDN_URL: could not run (exit 3), saying what to set', async () => {
    const dir = await copyExample();
    const res = await runCli(ONLY_CACHE, { cwd: dir, env: { SHOP_CDN_URL: '' } });
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /COULD NOT RUN/);
    assert.match(res.stdout, /cache was asked for by name, but SHOP_CDN_URL is not set .*set it to run it/);
    const cache = (await readJson(path.join(dir, 'out.json'))).checks.find((c) => c.id === 'cache');
    assert.equal(cache?.status, 'error');
    assert.equal(cache?.error?.code, 'CHECK_CONDITION_UNMET');
  });

  test("a blocking check skipped without the plan's permission is NO-GO; with `when` it is GO and the skip is named in the banner, JSON and record", async () => {
    const dir = await tempDir();
    const plan = (gate: string): string =>
      [
        'version: 1',
        'service: { name: tiny, url: "http://127.0.0.1:9" }',
        'checks: { ok: { run: "true" } }',
        'cache:',
        ...(gate ? [`  ${gate}`] : []),
        '  url: "{{ env.PREFLIGHT_TEST_UNSET_CDN }}"',
        '  public: [/]',
        '',
      ].join('\n');
    await writeFile(path.join(dir, 'preflight.yaml'), plan(''));
    const res = await runCli(['run', '--json', 'out.json', '--no-store'], { cwd: dir });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /NO-GO .*1 blocking check skipped without the plan's permission: cache/);
    assert.match(
      res.stdout,
      /skipped cache: .*PREFLIGHT_TEST_UNSET_CDN is not set.*\(not allowed by the plan\)/,
    );
    const refused = (await readJson(path.join(dir, 'out.json'))).checks.find((c) => c.id === 'cache');
    assert.equal(refused?.status, 'skip');
    assert.equal(refused?.skip_allowed, undefined);
    assert.match(refused?.skip_reason ?? '', /environment variable PREFLIGHT_TEST_UNSET_CDN is not set/);

    await writeFile(path.join(dir, 'preflight.yaml'), plan('when: { env: PREFLIGHT_TEST_UNSET_CDN }'));
    const allowed = await runCli(['run', '--json', 'out.json', '--record', 'records', '--no-store'], {
      cwd: dir,
    });
    assert.equal(allowed.code, 0, `${allowed.stdout}\n${allowed.stderr}`);
    assert.match(
      allowed.stdout,
      /GO .*1 blocking check passed; 1 skipped as the plan allows: cache \(PREFLIGHT_TEST_UNSET_CDN is not set\)/,
    );
    assert.match(
      allowed.stdout,
      /skipped cache: PREFLIGHT_TEST_UNSET_CDN is not set \(the plan allows this skip\)/,
    );
    const json = await readJson(path.join(dir, 'out.json'));
    const cache = json.checks.find((c) => c.id === 'cache');
    assert.equal(cache?.status, 'skip');
    assert.equal(cache?.skip_allowed, true);
    const [record] = await readdir(path.join(dir, 'records'));
    const markdown = await readFile(path.join(dir, 'records', record as string), 'utf8');
    assert.match(
      markdown,
      /\*\*Skipped checks:\*\*\n- `cache`: PREFLIGHT\\_TEST\\_UNSET\\_CDN is not set \(the plan allows this skip\)/,
    );

    const explicit = await runCli(['run', '--only', 'cache', '--no-store'], { cwd: dir });
    assert.equal(explicit.code, 3, explicit.stdout);
    assert.match(explicit.stdout, /PREFLIGHT_TEST_UNSET_CDN is not set/);
  });
});
