/**
 * `preflight export k6`: the script is a valid ES module that imports only k6 modules and
 * carries the SLO thresholds; run under k6 stand-ins against the real example shop, its
 * checks pass, and a broken expectation fails and stops the path.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { copyExample, ROOT, runCli, withShop } from '../support/cli.js';

const exec = promisify(execFile);
const HARNESS = path.join(ROOT, 'test', 'support', 'k6-harness.mjs');
const K6_MODULES = ['k6', 'k6/execution', 'k6/http', 'k6/metrics'];

interface HarnessOutput {
  imports: string[];
  exports: string[];
  options: { scenarios: Record<string, { exec: string; vus: number }>; thresholds: Record<string, string[]> };
  checks: { name: string; ok: boolean; tags: { path: string; step: string } }[];
  metrics: { name: string; value: unknown; tags: { path: string } }[];
}

async function harness(
  script: string,
  env: Record<string, string> = {},
  run = false,
): Promise<HarnessOutput> {
  const args = ['--experimental-vm-modules', '--no-warnings', HARNESS, script, ...(run ? ['--run'] : [])];
  const { stdout } = await exec(process.execPath, args, { env: { ...process.env, ...env }, timeout: 90_000 });
  return JSON.parse(stdout) as HarnessOutput;
}

describe('preflight export k6', () => {
  test('valid JavaScript importing only k6 modules, one scenario per path, SLO thresholds', async () => {
    const dir = await copyExample();
    const res = await runCli(['export', 'k6', '--plan', 'preflight.yaml', '--out', 'load/script.js'], {
      cwd: dir,
    });
    assert.equal(res.code, 0, res.stderr);
    const script = path.join(dir, 'load', 'script.js');
    const out = await harness(script);
    assert.deepEqual([...out.imports].sort(), K6_MODULES);
    assert.deepEqual(out.exports, [
      'default',
      'options',
      'path_browse',
      'path_checkout',
      'path_sign_up_and_login',
    ]);
    assert.equal(out.options.scenarios.path_browse?.exec, 'path_browse');
    assert.equal(out.options.scenarios.path_browse?.vus, 5);
    assert.deepEqual(out.options.thresholds['http_req_duration{path:browse}'], ['p(95)<200']);
    assert.deepEqual(out.options.thresholds['http_req_duration{path:checkout}'], ['p(95)<300']);
    assert.deepEqual(out.options.thresholds['http_req_failed{path:checkout}'], ['rate<=0']);
    assert.equal(
      out.options.thresholds['http_req_duration{path:sign-up and login}'],
      undefined,
      'no SLO, no threshold',
    );
    const text = await readFile(script, 'utf8');
    assert.doesNotMatch(text, /\brequire\(|from '(?!k6)/, 'no other module');
  });

  test('run under k6 stand-ins against the real shop: every check passes; a broken expectation stops its path', async () => {
    const dir = await copyExample();
    const plan = await readFile(path.join(dir, 'preflight.yaml'), 'utf8');
    const broken = plan
      .replace(/(- name: pay\n\s+request: .*\n\s+expect:\n\s+status:) 201/, '$1 202')
      .replace(
        'expect: { status: 404, json: { "$.detail": product not found } }',
        'expect: { status: 404, schema: openapi }',
      );
    assert.notEqual(broken, plan);
    await writeFile(path.join(dir, 'broken.yaml'), broken);
    const ok = await runCli(['export', 'k6', '--plan', 'preflight.yaml', '--out', 'ok.js'], { cwd: dir });
    const bad = await runCli(
      ['export', 'k6', '--plan', 'broken.yaml', '--out', 'bad.js', '--path', 'checkout,browse'],
      { cwd: dir },
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(bad.code, 0, bad.stderr);
    assert.match(
      bad.stderr,
      /not exported: critical path "browse", step "unknown product": expect\.schema \(schema: openapi\)/,
    );
    assert.match(
      await readFile(path.join(dir, 'bad.js'), 'utf8'),
      /\/\/ {3}- critical path "browse", step "unknown product"/,
    );
    await withShop(dir, async (url) => {
      const good = await harness(path.join(dir, 'ok.js'), { BASE_URL: url }, true);
      assert.ok(good.checks.length >= 40, `${good.checks.length} checks`);
      assert.deepEqual(
        good.checks.filter((c) => !c.ok).map((c) => c.name),
        [],
      );
      assert.ok(
        good.checks.some((c) => c.name === 'checkout / pay: capture order_id' && c.tags.path === 'checkout'),
      );
      assert.deepEqual(
        good.metrics.filter((m) => m.name === 'preflight_path_ok').map((m) => m.value),
        [true, true, true],
      );
      const failing = await harness(path.join(dir, 'bad.js'), { BASE_URL: url }, true);
      assert.deepEqual(
        failing.checks.filter((c) => !c.ok).map((c) => c.name),
        ['checkout / pay: status 202'],
      );
      assert.ok(!failing.checks.some((c) => c.tags.step === 'see the order'), 'later steps are skipped');
      assert.equal(
        failing.metrics.find((m) => m.name === 'preflight_path_ok' && m.tags.path === 'checkout')?.value,
        false,
      );
    });
  });
});
