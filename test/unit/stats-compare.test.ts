import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricsBlock } from '../../src/result-metrics.js';
import { bootstrapChange, bootstrapPairedChange, createRandom } from '../../src/stats/bootstrap.js';
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

  test('one block hit by a burst of other load does not make identical sides regress', () => {
    const series = blocks(12, 20, 20);
    // A candidate block five times slower (another process hogged the CPU for that block).
    const hit = series.find((b) => b.side === 'candidate' && !b.warmup && b.index > 10);
    for (const p of hit?.paths ?? []) Object.assign(p, { p50: p.p50 * 5, p95: p.p95 * 5, p99: p.p99 * 5 });
    const paired = verdicts(compareBlocks(series, options));
    assert.equal(paired.p50, 'unchanged');
    assert.equal(paired.p95, 'unchanged');
    // The same data compared unpaired, as the mean of blocks, moves by a third.
    const unpaired = compareBlocks(series, { ...options, paired: false }).find((r) => r.metric === 'p95');
    assert.ok((unpaired?.change ?? 0) > 25, `unpaired change ${unpaired?.change}`);
  });

  test('pairs cancel drift that hits both blocks of a round alike', () => {
    // Per-round machine drift of +-30 % around 20 ms, the candidate 12 % slower in every round.
    const random = createRandom(3);
    const pairs = Array.from({ length: 10 }, (): [number, number] => {
      const drift = 1 + (random() - 0.5) * 0.6;
      return [20 * drift, 20 * drift * 1.12];
    });
    const estimate = bootstrapPairedChange(pairs, { kind: 'relative', trim: 0.25 });
    assert.ok(Math.abs(estimate.change - 12) < 0.01, `change ${estimate.change}`);
    assert.ok(estimate.interval[0] > 11.9 && estimate.interval[1] < 12.1, `${estimate.interval}`);
    const unpaired = bootstrapChange(
      pairs.map(([b]) => b),
      pairs.map(([, a]) => a),
      { kind: 'relative' },
    );
    assert.ok(unpaired.interval[0] < 0, 'unpaired, the drift hides the slowdown');
  });

  test('a regression whose interval reaches the threshold is caught, one shown smaller is not', () => {
    const at = (change: number, spread: number) => {
      const random = createRandom(5);
      const pairs = Array.from({ length: 12 }, (): [number, number] => [
        20,
        20 * (1 + change / 100) * (1 + (random() - 0.5) * spread),
      ]);
      return compareBlocks(
        pairs.flatMap(([b, a], round) =>
          (['baseline', 'candidate'] as const).map((side, k) => ({
            index: round * 2 + k,
            side,
            warmup: false,
            start_ms: 0,
            duration_ms: 1000,
            paths: [
              {
                path: 'browse',
                count: 100,
                p50: side === 'baseline' ? b : a,
                p95: side === 'baseline' ? b : a,
                p99: side === 'baseline' ? b : a,
                errors: 0,
                throughput: 50,
                dropped: 0,
              },
            ],
          })),
        ),
        options,
      ).find((r) => r.metric === 'p95');
    };
    // A true 10 % slowdown (the threshold): its interval straddles 10 %, so it is caught
    // even when the point estimate falls just below it.
    const atThreshold = at(8.8, 0.06);
    assert.equal(atThreshold?.verdict, 'regressed', JSON.stringify(atThreshold));
    assert.ok((atThreshold?.change ?? 99) < 10, 'the point estimate is below the threshold');
    assert.ok((atThreshold?.interval?.[0] ?? 0) > 0);
    const small = at(4, 0.04);
    assert.equal(small?.verdict, 'unchanged', JSON.stringify(small));
    assert.ok((small?.interval?.[1] ?? 99) < 10);
  });
});
