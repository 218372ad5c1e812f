import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricsBlock } from '../../src/result-metrics.js';
import { bootstrapChange, createRandom } from '../../src/stats/bootstrap.js';
import { compareBlocks } from '../../src/stats/compare.js';

/** Blocks A B A B … with per-block p50/p95 drawn around the given means (seeded noise). */
function blocks(n: number, before: number, after: number, errorsAfter = 0): MetricsBlock[] {
  const random = createRandom(7);
  const noisy = (v: number): number => v * (1 + (random() - 0.5) * 0.1);
  return Array.from({ length: 2 * n }, (_, i) => {
    const side = i % 2 === 0 ? 'baseline' : 'candidate';
    const base = side === 'baseline' ? before : after;
    return {
      index: i,
      side,
      warmup: i < 2,
      start_ms: i * 2000,
      duration_ms: 2000,
      paths: [
        {
          path: 'browse',
          count: 100,
          p50: noisy(base),
          p95: noisy(base * 2),
          p99: noisy(base * 3),
          errors: side === 'candidate' ? errorsAfter : 0,
          throughput: 50,
          dropped: 0,
        },
      ],
    };
  });
}

const options = { paths: ['browse'], thresholds: { p50: 10, p95: 10, errors: 0.5 }, minBlocks: 4 };
const verdicts = (rows: ReturnType<typeof compareBlocks>) =>
  Object.fromEntries(rows.map((r) => [r.metric, r.verdict]));

describe('baseline vs candidate comparison', () => {
  test('identical distributions: unchanged everywhere', () => {
    const rows = compareBlocks(blocks(10, 20, 20), options);
    assert.deepEqual(verdicts(rows), {
      p50: 'unchanged',
      p95: 'unchanged',
      p99: 'unchanged',
      errors: 'unchanged',
      throughput: 'unchanged',
    });
  });

  test('a 30% slowdown is regressed, with an interval above 0', () => {
    const rows = compareBlocks(blocks(10, 20, 26), options);
    const p50 = rows.find((r) => r.metric === 'p50');
    assert.equal(p50?.verdict, 'regressed');
    assert.ok((p50?.change ?? 0) > 25 && (p50?.change ?? 0) < 35, `change ${p50?.change}`);
    assert.ok((p50?.interval?.[0] ?? 0) > 0);
    assert.equal(verdicts(rows).p95, 'regressed');
  });

  test('a 30% speed-up is improved', () => {
    assert.equal(verdicts(compareBlocks(blocks(10, 26, 20), options)).p95, 'improved');
  });

  test('a significant change below the threshold is unchanged', () => {
    assert.equal(verdicts(compareBlocks(blocks(10, 20, 21), options)).p50, 'unchanged');
  });

  test('errors on every candidate request regress the error rate', () => {
    const errors = compareBlocks(blocks(10, 20, 20, 100), options).find((r) => r.metric === 'errors');
    assert.equal(errors?.verdict, 'regressed');
    assert.equal(errors?.change, 100);
    assert.equal(errors?.change_unit, 'pp');
  });

  test('too few blocks: insufficient', () => {
    const rows = compareBlocks(blocks(3, 20, 40), options);
    assert.ok(rows.every((r) => r.verdict === 'insufficient'));
  });

  test('the bootstrap is reproducible (fixed seed)', () => {
    const a = bootstrapChange([1, 2, 3, 4], [2, 3, 4, 5], { kind: 'relative' });
    const b = bootstrapChange([1, 2, 3, 4], [2, 3, 4, 5], { kind: 'relative' });
    assert.deepEqual(a, b);
    assert.ok(a.interval[0] < a.change && a.change < a.interval[1]);
  });
});
