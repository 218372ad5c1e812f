/**
 * From comparisons to the metrics check's outcome (fail / not enough evidence / pass, with
 * coverage), the contention findings, the look that ends the measurement, and the launch
 * record's section (per-step rows, the step that moved). Pure functions on built results.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideMetricsOutcome } from '../../src/checks/metrics/outcome.js';
import { metricsRecord } from '../../src/checks/metrics/report-record.js';
import type { MetricComparison, MetricsResult, MetricVerdict } from '../../src/checks/metrics/result.js';
import { applyContention, contentionPlan } from '../../src/metrics/contention.js';
import { decideLook } from '../../src/metrics/look.js';
import { movedStep } from '../../src/metrics/result.js';
import { CriticalPathSpec } from '../../src/plan/schema.js';

function row(
  path: string,
  metric: MetricComparison['metric'],
  verdict: MetricVerdict,
  more: Partial<MetricComparison> = {},
): MetricComparison {
  return {
    path,
    step: null,
    metric,
    unit: metric === 'errors' ? '%' : 'ms',
    before: 10,
    after: 10,
    change: verdict === 'regressed' ? 40 : 1,
    change_unit: metric === 'errors' ? 'pp' : '%',
    interval: verdict === 'regressed' ? [20, 60] : verdict === 'unchanged' ? [-5, 6] : [-12, 30],
    threshold: 20,
    verdict,
    blocking: true,
    units: 12,
    unit_rounds: 1,
    aa_spread: 4,
    ...(verdict === 'inconclusive'
      ? {
          reason:
            'not enough evidence: the interval [-12, +30] still admits a change of +30 %; about 9 more block pairs would settle it',
          more_rounds: 9,
        }
      : {}),
    ...more,
  };
}

function result(comparisons: MetricComparison[]): MetricsResult {
  const histogram = (path: string) => ({
    path,
    count: 100,
    p50_ms: 10,
    p90_ms: 12,
    p95_ms: 13,
    p99_ms: 15,
    max_ms: 20,
    mean_ms: 10,
    distribution: [],
    iterations: 100,
    errors: 0,
    error_rate: 0,
    dropped: 0,
    requests: 100,
    rate: 10,
    steps: [],
  });
  const paths = [...new Set(comparisons.map((c) => c.path))];
  return {
    baseline: { ref: 'v1', resolved: 'v1 (abc)', source: 'git', blocks: 12 },
    candidate: { ref: 'work tree', resolved: null, source: 'work-tree', blocks: 12 },
    settings: {
      rate: 10,
      block_ms: 1000,
      max_duration_ms: 120_000,
      warmup: 1,
      min_blocks: 4,
      confidence: 0.99,
    },
    sequential: {
      method: 'test',
      confidence: 0.99,
      looks: 9,
      stopped: 'budget',
      elapsed_ms: 26_000,
      rounds: 12,
    },
    noise: { load: { min: 0.4, max: 1.2 }, steal_pct: 0, busy_pct: 40 },
    moved: null,
    comparisons,
    slo: [],
    histograms: { baseline: paths.map(histogram), candidate: paths.map(histogram) },
  };
}

describe('the metrics check outcome', () => {
  test('an inconclusive blocking comparison is not a pass: INCOMPLETE_COVERAGE, with the missing evidence', () => {
    const outcome = decideMetricsOutcome(
      result([
        row('browse', 'p50', 'unchanged'),
        row('browse', 'p95', 'inconclusive'),
        row('browse', 'errors', 'unchanged'),
      ]),
    );
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'INCOMPLETE_COVERAGE');
    assert.match(
      outcome.error?.message ?? '',
      /^not enough evidence for 1 of 3 blocking comparisons: browse p95 \+1% \[-12, \+30\]: not enough evidence: the interval \[-12, \+30\] still admits a change of \+30 %; about 9 more block pairs would settle it$/,
    );
    assert.deepEqual(
      outcome.coverage?.map((c) => [c.what, c.covered, c.asked]),
      [
        ['paths measured', 1, 1],
        ['comparisons conclusive', 2, 3],
      ],
    );
  });

  test('a blocking regression fails, whatever else is open; every blocking row unchanged passes', () => {
    const fail = decideMetricsOutcome(
      result([row('browse', 'p50', 'regressed'), row('checkout', 'p50', 'inconclusive')]),
    );
    assert.equal(fail.status, 'fail');
    assert.match(fail.summary, /^regressed: browse p50 \+40% \[\+20, \+60\]/);
    const pass = decideMetricsOutcome(
      result([row('browse', 'p50', 'unchanged'), row('browse', 'errors', 'improved')]),
    );
    assert.equal(pass.status, 'pass');
    assert.match(
      pass.summary,
      /^no regression on 1 critical path: 2 blocking comparisons conclusive after 12 block pairs/,
    );
    // An advisory row that stays inconclusive does not block.
    const advisory = decideMetricsOutcome(
      result([row('browse', 'p50', 'unchanged'), row('browse', 'p99', 'inconclusive', { blocking: false })]),
    );
    assert.equal(advisory.status, 'pass');
  });

  test('a path without iterations on a side is not measured: covered less than asked', () => {
    const r = result([row('browse', 'p50', 'unchanged')]);
    (r.histograms?.candidate[0] as { iterations: number }).iterations = 0;
    const outcome = decideMetricsOutcome(r);
    assert.equal(outcome.error?.code, 'INCOMPLETE_COVERAGE');
    assert.deepEqual(outcome.coverage?.[0], {
      what: 'paths measured',
      covered: 0,
      asked: 1,
      detail: 'no iterations measured on both sides: browse',
    });
  });
});

describe('contention', () => {
  const rows = () => [
    row('browse', 'p50', 'regressed'),
    row('checkout', 'p50', 'regressed'),
    row('checkout', 'errors', 'unchanged'),
    row('search', 'p50', 'unchanged'),
  ];

  test('nothing to tell apart: no regression, or only one path moved', () => {
    assert.equal(
      contentionPlan([row('browse', 'p50', 'inconclusive'), row('checkout', 'p50', 'inconclusive')]),
      null,
    );
    assert.equal(
      contentionPlan([row('browse', 'p50', 'regressed'), row('checkout', 'p50', 'unchanged')]),
      null,
    );
  });

  test('every path that moved is measured alone; alone it tells its own regression from contention', () => {
    const all = rows();
    const plan = contentionPlan(all);
    assert.deepEqual(plan, { regressed: ['browse', 'checkout'], alone: ['browse', 'checkout'] });
    applyContention(
      all,
      new Map([
        ['browse', [row('browse', 'p50', 'regressed')]],
        ['checkout', [row('checkout', 'p50', 'unchanged')]],
      ]),
      plan as NonNullable<typeof plan>,
    );
    assert.deepEqual(all[0]?.contention?.explained, false);
    assert.deepEqual(all[1]?.contention, {
      with: ['browse'],
      alone: { verdict: 'unchanged', change: 1, interval: [-5, 6] },
      explained: true,
    });
    const outcome = decideMetricsOutcome(result(all));
    assert.equal(outcome.status, 'fail');
    assert.match(outcome.summary, /^regressed: browse p50 \+40% \[\+20, \+60\] \(/);
    assert.doesNotMatch(outcome.summary.split('(')[0] ?? '', /checkout/);
    assert.match(
      outcome.summary,
      /contention: checkout p50 \+40% \[\+20, \+60\] explained by contention with browse \(alone: unchanged\)/,
    );
  });
});

describe('the look after a round', () => {
  const settings = { paths: [], thresholds: {}, alpha: 0.01, perBlock: 10, maxRounds: 60, minRounds: 4 };
  test('stops once every blocking path row is conclusive, not before min_blocks rounds', () => {
    const conclusive = [
      row('browse', 'p50', 'unchanged'),
      row('browse', 'p99', 'inconclusive', { blocking: false }),
    ];
    assert.equal(decideLook(conclusive, 3, settings), null);
    assert.equal(decideLook(conclusive, 4, settings), 'conclusive');
    assert.equal(decideLook([row('browse', 'p50', 'inconclusive')], 40, settings), null);
  });
});

describe('the launch record', () => {
  test('has the per-step rows after their path and names the step that moved', () => {
    const path = CriticalPathSpec.parse({
      name: 'browse',
      owner: 'o',
      expect: 'e',
      rollback: 'r',
      steps: [
        { name: 'list', request: { url: '/a' } },
        { name: 'detail', request: { url: '/b' } },
      ],
    });
    const rows = [
      row('browse', 'p50', 'regressed'),
      row('browse', 'p50', 'regressed', {
        step: 'detail',
        blocking: false,
        change: 300,
        interval: [250, 350],
      }),
      row('browse', 'p50', 'unchanged', { step: 'list', blocking: false }),
    ];
    const metrics = { ...result(rows), moved: movedStep(rows, [path]) };
    assert.deepEqual(metrics.moved, {
      path: 'browse',
      step: 'detail',
      metric: 'p50',
      change: 300,
      interval: [250, 350],
      verdict: 'regressed',
    });
    const text = metricsRecord({ checks: [], run: { paths: [], metrics } }).join('\n\n');
    assert.match(text, /slowed the most: browse › detail p50 \+300% \\\[\+250, \+350\\\] regressed/);
    assert.match(text, /\| browse \| \(path\) \| p50 \|/);
    assert.match(text, /\| browse \| detail \| p50 \| 10 ms \| 10 ms \| \+300% \|/);
    assert.ok(text.indexOf('| (path) |') < text.indexOf('| detail |'));
  });
});
