/**
 * The before/after comparison on synthetic, seeded samples (no timing): the four verdicts, the
 * confidence sequences under it, the sample rule for percentiles, per-step rows, and the
 * explanations of inconclusive rows. Error rates of the whole procedure on real measurements
 * are measured by `npm run bench:verdict`, not here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricComparison } from '../../src/checks/metrics/result.js';
import { compareSamples, judge } from '../../src/stats/compare.js';
import { samplesNeeded } from '../../src/stats/quantile.js';
import type { SampleBlock } from '../../src/stats/samples.js';
import {
  meanConfidenceSequence,
  rateConfidenceSequence,
  tMultiplier,
  unitsNeeded,
} from '../../src/stats/sequential.js';

/** mulberry32: a seeded PRNG, floats in [0, 1). */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Synthetic {
  rounds: number;
  perBlock: number;
  /** Candidate latency factor per step (1: the same as the baseline). */
  slower?: number[];
  /** Share of candidate iterations that fail. */
  errorsAfter?: number;
  seed?: number;
  /** Per-block drift of the machine (sd of a log factor shared by both blocks of a round). */
  drift?: number;
  /** Per-block noise not shared by the pair (sd of a log factor). */
  noise?: number;
}

/** Rounds of a two-step path `browse`: each step 10 ms plus an exponential tail of mean 2 ms. */
function synthetic(s: Synthetic): SampleBlock[] {
  const random = createRandom(s.seed ?? 7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const blocks: SampleBlock[] = [];
  for (let round = 0; round < s.rounds; round++) {
    const drift = Math.exp((s.drift ?? 0) * gauss());
    for (const side of ['baseline', 'candidate'] as const) {
      const own = Math.exp((s.noise ?? 0) * gauss());
      const steps = [0, 1].map(() => new Float64Array(s.perBlock));
      const path = new Float64Array(s.perBlock);
      let errors = 0;
      for (let i = 0; i < s.perBlock; i++) {
        let total = 0;
        for (const [k, values] of steps.entries()) {
          const factor = side === 'candidate' ? (s.slower?.[k] ?? 1) : 1;
          values[i] = (10 + 2 * -Math.log(1 - random())) * factor * drift * own;
          total += values[i] as number;
        }
        path[i] = total;
        if (side === 'candidate' && random() < (s.errorsAfter ?? 0)) errors++;
      }
      blocks.push({
        side,
        round,
        paths: [
          {
            path: 'browse',
            iterations: s.perBlock,
            errors,
            throughput: s.perBlock,
            latencies: path,
            steps: steps.map((latencies, k) => ({ step: `step ${k + 1}`, latencies })),
          },
        ],
      });
    }
  }
  return blocks;
}

const options = {
  paths: [{ name: 'browse', steps: ['step 1', 'step 2'] }],
  thresholds: { p50: 10, p95: 10, errors: 0.5 },
  alpha: 0.01,
  perBlock: 100,
  maxRounds: 120,
};
const row = (rows: MetricComparison[], metric: string, step: string | null = null): MetricComparison => {
  const found = rows.find((r) => r.metric === metric && r.step === step);
  assert.ok(found, `no row ${metric} ${step}`);
  return found;
};

describe('confidence sequences', () => {
  test('the t multiplier is infinite for too few units and shrinks towards a normal quantile', () => {
    assert.equal(tMultiplier(1, 0.01), Number.POSITIVE_INFINITY);
    const widths = [5, 10, 20, 40, 80].map((n) => tMultiplier(n, 0.01));
    for (let i = 1; i < widths.length; i++)
      assert.ok((widths[i] as number) < (widths[i - 1] as number), `${widths}`);
    // Time-uniform coverage costs more than a fixed-n interval (2.58 at 99 %), and grows only slowly later on.
    const late = tMultiplier(10_000, 0.01);
    assert.ok(late > 2.58 && late < 5.5, `${late}`);
  });

  test('covers the true mean at every look in (nearly) every seeded sequence', () => {
    const random = createRandom(11);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    let missed = 0;
    for (let run = 0; run < 300; run++) {
      const values: number[] = [];
      for (let n = 1; n <= 60; n++) {
        values.push(0.3 + 0.1 * gauss());
        const { interval } = meanConfidenceSequence(values, 0.05);
        if (interval[0] > 0.3 || interval[1] < 0.3) {
          missed++;
          break;
        }
      }
    }
    // At 95 % over 60 looks the misses stay below 5 % (a fixed-n interval looked at 60 times misses far more often).
    assert.ok(missed <= 15, `missed ${missed} of 300`);
  });

  test('a run without errors bounds the error rate; errors are located', () => {
    const [low, high] = rateConfidenceSequence(0, 5000, 0.001);
    assert.equal(low, 0);
    assert.ok(high > 0 && high < 0.003, `${high}`);
    const [l2, h2] = rateConfidenceSequence(50, 1000, 0.001);
    assert.ok(l2 > 0.02 && l2 < 0.05 && h2 > 0.05 && h2 < 0.1, `${l2} ${h2}`);
    assert.deepEqual(rateConfidenceSequence(0, 0, 0.01), [0, 1]);
  });

  test('units needed grow with the noise and with a narrower target', () => {
    const a = unitsNeeded(0.05, 0.05, 0.01);
    const b = unitsNeeded(0.1, 0.05, 0.01);
    const c = unitsNeeded(0.05, 0.025, 0.01);
    assert.ok(a < b && a < c, `${a} ${b} ${c}`);
    assert.equal(unitsNeeded(1, 0.001, 0.01, 500), Number.POSITIVE_INFINITY);
  });
});

describe('the sample rule for percentiles', () => {
  test('p50 needs 6 samples, p95 72, p99 368', () => {
    assert.deepEqual([50, 95, 99].map(samplesNeeded), [6, 72, 368]);
  });

  test('a percentile without enough samples is n/a, and says how many it needs', () => {
    const rows = compareSamples(synthetic({ rounds: 6, perBlock: 40 }), { ...options, perBlock: 40 });
    const p99 = row(rows, 'p99');
    assert.equal(p99.verdict, 'inconclusive');
    assert.equal(p99.before, null);
    assert.equal(p99.unit_rounds, 10);
    assert.match(p99.reason ?? '', /^n\/a \(need ≥ 368 samples/);
    // p95 groups two rounds per unit (80 samples per side), so it is compared.
    assert.equal(row(rows, 'p95').unit_rounds, 2);
    assert.ok(row(rows, 'p95').before !== null);
  });
});

describe('baseline vs candidate comparison', () => {
  test('identical distributions, enough rounds: unchanged (equivalence shown) on every blocking row', () => {
    const rows = compareSamples(synthetic({ rounds: 40, perBlock: 100, noise: 0.02 }), options);
    for (const metric of ['p50', 'p95', 'errors']) {
      const r = row(rows, metric);
      assert.equal(r.verdict, 'unchanged', JSON.stringify(r));
      assert.ok(r.blocking);
      assert.ok((r.interval?.[0] ?? -99) > -10 && (r.interval?.[1] ?? 99) < 10, JSON.stringify(r));
    }
  });

  test('a 30 % slowdown is regressed, with an interval above 0 that reaches the threshold', () => {
    const rows = compareSamples(
      synthetic({ rounds: 12, perBlock: 100, slower: [1.3, 1.3], noise: 0.02 }),
      options,
    );
    for (const metric of ['p50', 'p95']) {
      const r = row(rows, metric);
      assert.equal(r.verdict, 'regressed', JSON.stringify(r));
      assert.ok((r.interval?.[0] ?? 0) > 0 && (r.interval?.[1] ?? 0) >= 10);
      assert.ok((r.change ?? 0) > 20 && (r.change ?? 0) < 40, `${r.change}`);
    }
  });

  test('a 30 % speed-up is improved', () => {
    const rows = compareSamples(synthetic({ rounds: 12, perBlock: 100, slower: [0.7, 0.7] }), options);
    assert.equal(row(rows, 'p50').verdict, 'improved');
  });

  test('few rounds: inconclusive, with the interval, what it admits and the rounds that would settle it', () => {
    const rows = compareSamples(synthetic({ rounds: 8, perBlock: 100, noise: 0.08 }), options);
    const p95 = row(rows, 'p95');
    assert.equal(p95.verdict, 'inconclusive', JSON.stringify(p95));
    assert.match(
      p95.reason ?? '',
      /^not enough evidence: the interval \[[-+\d.]+, [-+\d.]+\] still admits a change of [-+\d.]+ %; about \d+ more block pairs? would settle it$/,
    );
    assert.ok((p95.more_rounds ?? 0) > 0);
  });

  test('noise the budget cannot beat: inconclusive, "the machine is too noisy", with the A/A spread', () => {
    const rows = compareSamples(synthetic({ rounds: 20, perBlock: 100, noise: 0.4 }), {
      ...options,
      maxRounds: 24,
    });
    const p50 = row(rows, 'p50');
    assert.equal(p50.verdict, 'inconclusive', JSON.stringify(p50));
    assert.match(p50.reason ?? '', /^the machine is too noisy: A\/A spread ±[\d.]+ %/);
    assert.equal(p50.more_rounds, null);
    assert.ok((p50.aa_spread ?? 0) > 20, `${p50.aa_spread}`);
  });

  test('drift shared by the blocks of a round cancels in the pairs', () => {
    const rows = compareSamples(
      synthetic({ rounds: 30, perBlock: 100, drift: 0.3, slower: [1.3, 1.3] }),
      options,
    );
    assert.equal(row(rows, 'p50').verdict, 'regressed');
    const aa = compareSamples(synthetic({ rounds: 40, perBlock: 100, drift: 0.3 }), options);
    assert.equal(row(aa, 'p50').verdict, 'unchanged');
  });

  test('one block five times slower (a burst of other load) does not make identical sides regress', () => {
    const blocks = synthetic({ rounds: 24, perBlock: 100, noise: 0.02 });
    const hit = blocks.find((b) => b.side === 'candidate' && b.round === 10);
    for (const p of hit?.paths ?? []) p.latencies = (p.latencies as Float64Array).map((v) => v * 5);
    for (const metric of ['p50', 'p95'])
      assert.notEqual(row(compareSamples(blocks, options), metric).verdict, 'regressed');
  });

  test('errors on every candidate iteration regress the error rate', () => {
    const errors = row(
      compareSamples(synthetic({ rounds: 6, perBlock: 100, errorsAfter: 1 }), options),
      'errors',
    );
    assert.equal(errors.verdict, 'regressed');
    assert.equal(errors.change, 100);
    assert.equal(errors.change_unit, 'pp');
  });

  test('per-step rows: advisory, and the slowed step is the one that regressed', () => {
    const rows = compareSamples(
      synthetic({ rounds: 20, perBlock: 100, slower: [1, 1.6], noise: 0.02 }),
      options,
    );
    const slowed = row(rows, 'p50', 'step 2');
    const same = row(rows, 'p50', 'step 1');
    assert.equal(slowed.verdict, 'regressed', JSON.stringify(slowed));
    assert.equal(slowed.blocking, false);
    assert.notEqual(same.verdict, 'regressed', JSON.stringify(same));
    assert.equal(
      compareSamples(synthetic({ rounds: 4, perBlock: 100 }), { ...options, steps: false }).filter(
        (r) => r.step,
      ).length,
      0,
    );
  });

  test('a recorded baseline (block percentiles, no samples) is compared block by block', () => {
    const measured = synthetic({ rounds: 20, perBlock: 100, slower: [1.5, 1.5], noise: 0.02 });
    for (const block of measured.filter((b) => b.side === 'baseline'))
      for (const p of block.paths) {
        const sorted = Float64Array.from(p.latencies as Float64Array).sort();
        p.values = { p50: sorted[49] as number, p95: sorted[94] as number, p99: sorted[98] as number };
        p.latencies = null;
        p.steps = [];
      }
    const rows = compareSamples(measured, options);
    assert.equal(row(rows, 'p50').verdict, 'regressed');
    assert.match(row(rows, 'p99').reason ?? '', /^n\/a/);
  });
});

describe('the four verdicts', () => {
  test('regressed, improved, unchanged and inconclusive, by where the interval lies', () => {
    assert.equal(judge([2, 15], 10, 1), 'regressed');
    assert.equal(judge([12, 20], 10, 1), 'regressed');
    assert.equal(judge([-20, -2], 10, 1), 'improved');
    assert.equal(judge([-4, 6], 10, 1), 'unchanged');
    assert.equal(judge([2, 8], 10, 1), 'unchanged', 'a significant change shown smaller than the threshold');
    assert.equal(judge([-5, 15], 10, 1), 'inconclusive');
    assert.equal(judge([-15, 5], 10, 1), 'inconclusive');
    assert.equal(judge([-15, -2], 10, -1), 'regressed', 'a drop of throughput is worse');
  });
});
