import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copyExample, patchFile, processesIn, runCli } from '../support/cli.js';

/** A temp git repository holding a copy of the example, committed and tagged. */
let dir: string;
const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });

interface Comparison {
  path: string;
  step: string | null;
  metric: string;
  before: number | null;
  after: number | null;
  change: number | null;
  interval: [number, number] | null;
  verdict: string;
  blocking: boolean;
  reason?: string;
  contention?: { with: string[]; alone: { verdict: string }; explained: boolean | null };
}

interface Result {
  checks: {
    id: string;
    status: string;
    error?: { code: string; message: string };
    coverage?: { what: string; covered: number; asked: number }[];
  }[];
  metrics: {
    comparisons: Comparison[];
    moved: { path: string; step: string | null; metric: string; verdict: string } | null;
    contention?: { regressed: string[]; alone: string[] };
    sequential: { stopped: string; rounds: number };
    noise: { load: { min: number; max: number } | null };
  };
}

const readResult = async (file: string): Promise<Result> =>
  JSON.parse(await readFile(file, 'utf8')) as Result;
const LATENCY = ['p50', 'p95', 'p99'];

const worktrees = (): string[] => git('worktree', 'list').trim().split('\n');

before(async () => {
  dir = await copyExample();
  await writeFile(path.join(dir, '.gitignore'), '.venv\n.preflight/\n*.db\n');
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'release 1');
  git('tag', 'v1.0.0');
});

after(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

const VIA_DETAIL = 'browse';

/** Set the plan's `metrics.regression` for one test. */
async function withRegression(regression: string, use: () => Promise<void>): Promise<void> {
  await patchFile(
    path.join(dir, 'preflight.yaml'),
    /regression: \{ p50: 20%, errors: 2% \}/,
    `regression: ${regression}`,
  );
  try {
    await use();
  } finally {
    git('checkout', '--', 'preflight.yaml');
  }
}

describe('preflight compare', { timeout: 1_200_000 }, () => {
  test('identical code, margins the budget reaches: exit 0, every blocking comparison unchanged', async (t) => {
    await withRegression('{ p50: 200%, errors: 20% }', async () => {
      const out = path.join(dir, 'same.json');
      const compare = () =>
        runCli(['compare', 'HEAD', '--plan', 'preflight.yaml', '--json', out, '--max-duration', '90s'], {
          cwd: dir,
          timeoutMs: 150_000,
        });
      let r = await compare();
      // The family error rate is 1 % per run: a false alarm on identical code gets one more run;
      // a tool that flags identical code systematically still fails here.
      if (r.code === 1 && /regressed:/.test(r.stdout)) r = await compare();
      const result = await readResult(out);
      const blocking = result.metrics.comparisons.filter((c) => c.blocking);
      assert.equal(blocking.length, 4, 'browse and checkout, p50 and errors');
      assert.deepEqual(
        blocking.filter((c) => c.verdict === 'regressed' || c.verdict === 'improved'),
        [],
      );
      const check = result.checks.find((c) => c.id === 'metrics');
      const load = result.metrics.noise.load?.max ?? 0;
      if (r.code === 1 && load > 2 * availableParallelism()) {
        // More than twice as much runnable work as cores (seen: load 12–16 on 2 cores, browse's
        // p50 at 180 ms instead of 14): no margin is certain to be reachable in 90 s, and the
        // honest answer is the one required then, with its reason.
        t.diagnostic(`load ${load} on ${availableParallelism()} cores: inconclusive, as it should be`);
        assert.equal(check?.error?.code, 'INCOMPLETE_COVERAGE', r.stdout);
        assert.match(r.stdout, /not enough evidence|the machine is too noisy/);
      } else {
        assert.equal(r.code, 0, r.stdout + r.stderr);
        for (const c of blocking) assert.equal(c.verdict, 'unchanged', JSON.stringify(c));
        assert.equal(result.metrics.sequential.stopped, 'conclusive');
        assert.deepEqual(
          check?.coverage?.map((c) => [c.what, c.covered, c.asked]),
          [
            ['paths measured', 2, 2],
            ['comparisons conclusive', 4, 4],
          ],
        );
        assert.match(r.stdout, /stopped after \d+ s of at most 90 s: every blocking comparison conclusive/);
      }
      // Per-step rows for every step of both paths, in the JSON and the table.
      const steps = new Set(
        result.metrics.comparisons.filter((c) => c.step !== null).map((c) => `${c.path} › ${c.step}`),
      );
      assert.ok(steps.has('browse › product detail') && steps.has('checkout › pay'), [...steps].join(', '));
      assert.match(r.stdout, /path\s+step\s+metric\s+before\s+after\s+change\s+interval\s+verdict/);
      // Honest tails: at 10/s a p99 of a path (368 samples per unit) is n/a.
      assert.match(r.stdout, /n\/a \(need ≥ 368 samples/);
      assert.equal(worktrees().length, 1, 'the baseline worktree was removed');
      assert.deepEqual(processesIn(path.dirname(dir)), []);
    });
  });

  test('margins no budget can reach: exit 1, not enough evidence (covered less than asked), never "regressed"', async () => {
    await withRegression('{ p50: 0.1% }', async () => {
      const out = path.join(dir, 'tight.json');
      const r = await runCli(
        ['compare', 'HEAD', '--plan', 'preflight.yaml', '--json', out, '--max-duration', '10s'],
        {
          cwd: dir,
          timeoutMs: 60_000,
        },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const result = await readResult(out);
      const check = result.checks.find((c) => c.id === 'metrics');
      assert.equal(check?.status, 'error');
      assert.equal(check?.error?.code, 'INCOMPLETE_COVERAGE');
      assert.match(check?.error?.message ?? '', /not enough evidence for [12] of 2 blocking comparisons/);
      assert.match(
        r.stdout,
        /(not enough evidence: the interval \[[^\]]+\] still admits a change of [-+\d.]+ %; about \d+ more block pairs? would settle it|the machine is too noisy: A\/A spread ±[\d.]+ %|no finite interval)/,
      );
      assert.match(r.stdout, /NO-GO .*covered less than the plan asks: metrics/);
      assert.deepEqual(
        result.metrics.comparisons.filter((c) => c.verdict === 'regressed' && c.blocking),
        [],
      );
      assert.equal(result.metrics.sequential.stopped, 'budget');
    });
  });

  test('a slowed product-detail route: exit 1, browse regressed, the step that moved is named', async () => {
    const out = path.join(dir, 'slow.json');
    const html = path.join(dir, 'report.html');
    const r = await runCli(
      [
        'compare',
        'v1.0.0',
        '--plan',
        'preflight.yaml',
        '--json',
        out,
        '--html',
        html,
        '--max-duration',
        '90s',
        '--candidate-env',
        // 200 ms on two of browse's three steps: several times its latency even on a machine so
        // busy that a p50 of 10 samples moves by a third from one block to the next.
        'SHOP_SLOW_MS=200',
      ],
      { cwd: dir, timeoutMs: 360_000 },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const result = await readResult(out);
    const find = (p: string, step: string | null, m: string) =>
      result.metrics.comparisons.find((c) => c.path === p && c.step === step && c.metric === m);
    assert.equal(find(VIA_DETAIL, null, 'p50')?.verdict, 'regressed', r.stdout);
    // The step rows say which step: product detail (+200 ms on a few ms).
    assert.equal(find(VIA_DETAIL, 'product detail', 'p50')?.verdict, 'regressed', r.stdout);
    // Both steps that go through the slowed route (an unknown product is looked up there too).
    assert.equal(result.metrics.moved?.path, VIA_DETAIL);
    assert.ok(['product detail', 'unknown product'].includes(result.metrics.moved?.step ?? ''), r.stdout);
    assert.equal(result.metrics.moved?.verdict, 'regressed');
    assert.match(r.stdout, /slowed the most: browse › (product detail|unknown product) p(50|95|99) \+/);
    // checkout does not call product detail: never an independent regression.
    const others = result.metrics.comparisons.filter(
      (c) =>
        c.path !== VIA_DETAIL && c.blocking && c.verdict === 'regressed' && c.contention?.explained !== true,
    );
    assert.deepEqual(others, []);
    assert.match(r.stdout, /regressed: browse p50/);
    const page = await readFile(html, 'utf8');
    // The run's report page (one renderer with run --html and the dashboard): charts as specs.
    assert.match(page, /<figure class="chart" data-chart="\d+"><figcaption>browse: latency distribution/);
    assert.match(page, /browse: p95 per round/);
    assert.match(page, /id="preflight-charts"/);
    assert.match(page, /<td>browse<\/td><td>product detail<\/td><td>p50<\/td>/);
    assert.match(page, /slowed the most: browse › (product detail|unknown product)/);
    assert.equal(worktrees().length, 1);
    assert.deepEqual(processesIn(path.dirname(dir)), []);
  });

  test('a CPU-heavy product-detail route: checkout slows by contention, measured alone it is not regressed', async () => {
    const out = path.join(dir, 'contention.json');
    const r = await runCli(
      [
        'compare',
        'v1.0.0',
        '--plan',
        'preflight.yaml',
        '--json',
        out,
        '--max-duration',
        '60s',
        '--candidate-env',
        'SHOP_SLOW_CPU_MS=60',
      ],
      { cwd: dir, timeoutMs: 280_000 },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const result = await readResult(out);
    const rows = result.metrics.comparisons;
    assert.equal(
      rows.find((c) => c.path === VIA_DETAIL && c.step === null && c.metric === 'p50')?.verdict,
      'regressed',
    );
    // The busy loop holds the GIL of the one worker: checkout's latency does not come out unchanged…
    const checkout = rows.filter(
      (c) => c.path === 'checkout' && c.step === null && LATENCY.includes(c.metric) && c.blocking,
    );
    assert.ok(
      checkout.some((c) => c.verdict !== 'unchanged'),
      JSON.stringify(checkout),
    );
    // …so both were measured alone: browse regressed on its own, checkout did not.
    assert.deepEqual(result.metrics.contention?.alone, [VIA_DETAIL, 'checkout'], r.stdout);
    const browseP50 = rows.find((c) => c.path === VIA_DETAIL && c.step === null && c.metric === 'p50');
    assert.equal(browseP50?.contention?.explained, false, JSON.stringify(browseP50));
    for (const c of checkout.filter((x) => x.verdict !== 'unchanged')) {
      assert.ok(c.contention, JSON.stringify(c));
      assert.deepEqual(c.contention.with, [VIA_DETAIL]);
      assert.notEqual(c.contention.explained, false, JSON.stringify(c));
    }
    assert.match(r.stdout, /contention: browse, checkout measured alone, one at a time/);
    assert.match(r.stdout, /regressed: browse p50/);
    assert.doesNotMatch(r.stdout, /regressed: [^(]*checkout/);
    assert.equal(worktrees().length, 1);
    assert.deepEqual(processesIn(path.dirname(dir)), []);
  });

  test('a baseline ref that does not exist: exit 3, clear message, nothing left', async () => {
    const r = await runCli(['compare', 'no-such-tag', '--plan', 'preflight.yaml'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /the baseline ref "no-such-tag" does not exist/);
    assert.equal(worktrees().length, 1);
  });

  test('a baseline that fails to start: exit 3, its output shown, nothing left', async () => {
    await patchFile(path.join(dir, 'preflight.yaml'), /setup: .*\n/, 'setup: "true"\n');
    try {
      const r = await runCli(['compare', 'HEAD', '--plan', 'preflight.yaml', '--duration', '4s'], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /the baseline service did not start/);
      assert.equal(worktrees().length, 1);
      assert.deepEqual(processesIn(path.dirname(dir)), []);
    } finally {
      git('checkout', '--', 'preflight.yaml');
    }
  });

  test('a candidate that fails every request: exit 1, the first error named, nothing left', async () => {
    // The work tree (the candidate) answers 503 to everything but its health check.
    const main = path.join(dir, 'shop', 'main.py');
    const broken = [
      '',
      '@app.middleware("http")',
      'async def _broken(request, call_next):',
      '    from fastapi.responses import JSONResponse',
      '    if request.url.path == "/healthz":',
      '        return await call_next(request)',
      '    return JSONResponse({"detail": "down"}, status_code=503)',
      '',
    ].join('\n');
    await writeFile(main, `${await readFile(main, 'utf8')}${broken}`);
    try {
      const r = await runCli(['compare', 'HEAD', '--plan', 'preflight.yaml', '--max-duration', '12s'], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /the candidate failed every iteration of browse \(first error: list books: status/,
      );
      assert.equal(worktrees().length, 1);
      assert.deepEqual(processesIn(path.dirname(dir)), []);
    } finally {
      git('checkout', '--', 'shop/main.py');
    }
  });
});
