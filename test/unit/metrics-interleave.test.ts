import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Agent } from 'undici';
import { candidateFirst, measureInterleaved } from '../../src/metrics/interleave.js';
import { pathOf, scopeFor, useLocalServer } from '../support/local-server.js';

const agent = new Agent({ connections: 16 });
const local = useLocalServer((_req, res) => res.end('ok'), { agent });

/** What every measurement here shares: one path, both sides on the local server. */
const common = () => ({
  paths: [pathOf([{ name: 's', request: { url: '/' } }])],
  scope: () => scopeFor(''),
  maxInFlight: 16,
  stepTimeout: '5s' as const,
  dispatcher: agent,
  signal: new AbortController().signal,
  urls: { baseline: local.url, candidate: local.url },
});

describe('interleaved measurement', () => {
  test('Thue–Morse order: A B, B A, B A, A B after a warm-up round; raw samples kept for measured blocks', async () => {
    const result = await measureInterleaved({
      ...common(),
      rate: 40,
      blockMs: 100,
      warmup: 1,
      budgetMs: 60_000,
      maxRounds: 4,
    });
    assert.deepEqual(
      result.blocks.map((b) => `${b.side[0]}${b.warmup ? '*' : ''}`),
      ['b*', 'c*', 'b', 'c', 'c', 'b', 'c', 'b', 'b', 'c'],
    );
    assert.deepEqual(
      result.blocks.map((b) => b.round),
      [-1, -1, 0, 0, 1, 1, 2, 2, 3, 3],
    );
    assert.equal(result.rounds, 4);
    assert.equal(result.samples.length, 8);
    for (const block of result.samples) {
      const p = block.paths[0];
      assert.ok(p && p.iterations > 0 && p.latencies?.length === p.iterations, JSON.stringify(p));
      assert.equal(p.steps[0]?.latencies?.length, p.iterations);
    }
    assert.ok(result.blocks.every((b) => (b.paths[0]?.count ?? 0) > 0));
  });

  test('the Thue–Morse sequence decides which side goes first', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(candidateFirst), [
      false,
      true,
      true,
      false,
      true,
      false,
      false,
      true,
    ]);
  });

  test('the look after a round ends the measurement; so does the budget', async () => {
    const looks: number[] = [];
    const decided = await measureInterleaved({
      ...common(),
      rate: 40,
      blockMs: 50,
      warmup: 0,
      budgetMs: 60_000,
      afterRound: (soFar) => {
        looks.push(soFar.rounds);
        return soFar.rounds === 3;
      },
    });
    assert.deepEqual(looks, [1, 2, 3]);
    assert.equal(decided.stopped, 'decided');
    const budget = await measureInterleaved({
      ...common(),
      rate: 40,
      blockMs: 50,
      warmup: 0,
      budgetMs: 450,
    });
    assert.equal(budget.stopped, 'budget');
    // Rounds of about 100 ms within 450 ms: a round is not started when it would overrun.
    assert.ok(budget.rounds >= 1 && budget.rounds <= 4, `${budget.rounds}`);
  });

  test('the max-rate model runs closed loops in each block instead of a fixed rate', async () => {
    const result = await measureInterleaved({
      ...common(),
      rate: 1,
      model: 'max-rate',
      vus: 2,
      blockMs: 200,
      warmup: 0,
      budgetMs: 60_000,
      maxRounds: 1,
    });
    // At 1/s the open model would start one iteration per block; two closed loops start hundreds.
    for (const block of result.blocks) assert.ok((block.paths[0]?.count ?? 0) > 20, JSON.stringify(block));
    assert.equal(result.records.candidate[0]?.errors, 0);
  });
});
