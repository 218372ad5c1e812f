/**
 * When a run measured before/after metrics, the store keeps their summaries, trends use the
 * load probe's numbers instead of the step timings, and the run and compare pages show the
 * table and the latency distributions.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { PathHistogramResult } from '../../src/checks/metrics/result.js';
import { loadKindReports } from '../../src/checks/registry.js';
import type { RunResult } from '../../src/run/result.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { renderCompareBody } from '../../src/web/compare-page.js';
import { renderHtmlReport } from '../../src/web/report-file.js';
import { renderRunBody, summaryOf } from '../../src/web/run-page.js';
import { tempDir } from '../support/cli.js';
import { goRun } from './report-fixtures.js';

function histogram(p50: number, errorRate: number): PathHistogramResult {
  return {
    path: 'browse',
    count: 200,
    p50_ms: p50,
    p90_ms: p50 * 1.5,
    p95_ms: p50 * 2,
    p99_ms: p50 * 3,
    max_ms: p50 * 4,
    mean_ms: p50,
    distribution: [
      [50, p50],
      [95, p50 * 2],
      [99, p50 * 3],
    ],
    iterations: 200,
    errors: 2,
    error_rate: errorRate,
    dropped: 0,
    requests: 200,
    rate: 10,
    steps: [],
  };
}

function measured(runId: string): RunResult {
  const result = goRun();
  result.run_id = runId;
  // The metrics check hands its comparison up to the run (`result.metrics`).
  result.checks.push({
    id: 'metrics',
    kind: 'metrics',
    status: 'fail',
    blocking: true,
    duration_ms: 16000,
    summary: 'browse p95 regressed',
  });
  result.metrics = {
    baseline: { ref: 'v1.3.0', resolved: 'abc1234', source: 'git', blocks: 4 },
    candidate: { ref: 'work tree', resolved: null, source: 'work-tree', blocks: 4 },
    settings: {
      rate: 10,
      block_ms: 2000,
      max_duration_ms: 16000,
      warmup: 1,
      min_blocks: 3,
      confidence: 0.99,
    },
    sequential: {
      method: 'test',
      confidence: 0.99,
      looks: 2,
      stopped: 'conclusive',
      elapsed_ms: 16000,
      rounds: 4,
    },
    noise: { load: { min: 0.5, max: 0.9 }, steal_pct: 0, busy_pct: 30 },
    moved: {
      path: 'browse',
      step: 'product detail',
      metric: 'p95',
      change: 180,
      interval: [150, 210],
      verdict: 'regressed',
    },
    comparisons: [
      {
        path: 'browse',
        step: 'product detail',
        metric: 'p95',
        unit: 'ms',
        before: 10,
        after: 28,
        change: 180,
        change_unit: '%',
        interval: [150, 210],
        threshold: null,
        verdict: 'regressed',
        blocking: false,
        units: 4,
        unit_rounds: 1,
        aa_spread: 3.1,
      },
      {
        path: 'browse',
        step: null,
        metric: 'p95',
        unit: 'ms',
        before: 40,
        after: 80,
        change: 100,
        change_unit: '%',
        interval: [80, 120],
        threshold: 20,
        verdict: 'regressed',
        blocking: true,
        units: 4,
        unit_rounds: 1,
        aa_spread: 2.5,
      },
    ],
    slo: [{ path: 'browse', objective: 'p95_ms', limit: 60, actual: 80, pass: false }],
    histograms: { baseline: [histogram(20, 0)], candidate: [histogram(40, 1)] },
  };
  return result;
}

describe('web: metrics before/after', () => {
  test('trends come from the load probe when measured; pages show the table and distributions', async () => {
    const store = await openSqliteStore(path.join(await tempDir('preflight-metrics-'), 'history.db'));
    try {
      await store.recordRun({ result: measured('m-1') });
      const [point] = await store.trends();
      assert.deepEqual(
        [point?.source, point?.p50_ms, point?.p95_ms, point?.error_pct, point?.samples],
        ['metrics', 40, 80, 1, 200],
      );
      const run = await store.getRun('m-1');
      assert.ok(run);
      const body = renderRunBody(run, await loadKindReports(run.result), { dashboard: true }).value;
      assert.match(body, /Metrics: before \/ after/);
      assert.match(
        body,
        /<td>browse<\/td><td>\(path\)<\/td><td>p95<\/td><td class="num">40 ms<\/td><td class="num">80 ms<\/td>/,
      );
      // The per-step row, after its path's rows, and the step that moved the most.
      assert.match(body, /<td>browse<\/td><td>product detail<\/td><td>p95<\/td><td class="num">10 ms<\/td>/);
      assert.ok(body.indexOf('(path)') < body.indexOf('<td>product detail</td>'));
      assert.match(body, /slowed the most: browse › product detail p95 \+180% \[\+150, \+210\] regressed/);
      assert.match(body, /regressed/);
      assert.match(body, /browse: latency distribution/);
      const other = goRun();
      other.run_id = 'plain';
      const compare = renderCompareBody(
        { summary: summaryOf(other, null), result: other, record_md: null, logs_excerpt: null },
        run,
        await loadKindReports(run.result),
      ).value;
      assert.match(compare, /Measured in the after run/);
      // Before: the step timings by rank (p100 of one step); after: the load probe's percentiles.
      assert.ok(compare.includes('"ticks":["p50","p95","p99","p100"]'), 'both curves on one percentile axis');
    } finally {
      await store.close();
    }
  });

  test('compare --html is the run report page: headline, table, distributions, p95 per round, method', async () => {
    const result = measured('c-1');
    const block = (index: number, side: 'baseline' | 'candidate', round: number, p95: number) => ({
      index,
      side,
      warmup: round < 0,
      round,
      phase: 'main' as const,
      start_ms: index * 2000,
      duration_ms: 2000,
      paths: [
        { path: 'browse', count: 20, p50: p95 / 2, p95, p99: p95, errors: 0, throughput: 10, dropped: 0 },
      ],
    });
    const metrics = result.metrics;
    assert.ok(metrics);
    metrics.blocks = [
      block(0, 'baseline', -1, 99),
      block(1, 'candidate', -1, 99),
      block(2, 'baseline', 0, 40),
      block(3, 'candidate', 0, 80),
      block(4, 'candidate', 1, 82),
      block(5, 'baseline', 1, 41),
    ];
    const page = await renderHtmlReport(result, { logs_excerpt: null, who: null });
    assert.match(page, /baseline abc1234 vs candidate work tree: 4\+4 measured blocks of 2 s/);
    assert.match(page, /<td>browse<\/td><td>product detail<\/td><td>p95<\/td>/);
    assert.match(page, /<figcaption>browse: latency distribution/);
    assert.match(page, /<figcaption>browse: p95 per round/);
    assert.match(page, /Method: test\./);
    // The rounds' p95s, each side in its own series, warm-up left out, paired by round.
    const charts = JSON.parse(/id="preflight-charts">(.*?)<\/script>/s.exec(page)?.[1] ?? '[]') as Array<{
      title: string;
      ticks: string[];
      series: { label: string; values: (number | null)[] }[];
    }>;
    const rounds = charts.find((c) => c.title.startsWith('browse: p95 per round'));
    assert.deepEqual(rounds?.ticks, ['round 1', 'round 2']);
    assert.deepEqual(
      rounds?.series.map((x) => [x.label, x.values]),
      [
        ['before', [40, 41]],
        ['after', [80, 82]],
      ],
    );
  });
});
