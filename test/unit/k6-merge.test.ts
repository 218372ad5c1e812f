/**
 * Merging k6's raw output (`--out json`) of several execution segments: the samples are joined,
 * so the merged percentiles are those of one file holding every sample (never an average of
 * the segments' percentiles); counts add up; the execution segments cover 0..1 without gaps.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readK6Raw } from '../../src/ecosystem/k6/raw.js';
import { executionSegments, toPathRecords } from '../../src/metrics/k6-engine.js';
import type { CriticalPath } from '../../src/plan/schema.js';
import { percentileOfSorted, sortedSamples } from '../../src/stats/quantile.js';

const PATHS = [
  { name: 'browse', steps: [{ name: 'list', request: { method: 'GET', url: '/' } }] },
] as unknown as CriticalPath[];

function point(metric: string, value: number, tags: Record<string, string>): string {
  return JSON.stringify({ metric, type: 'Point', data: { time: '2026-01-01T00:00:00Z', value, tags } });
}

/** The lines k6 writes for one iteration of browse (one request), latency `ms`. */
function iteration(ms: number, ok: boolean): string[] {
  const tags = { path: 'browse', step: 'list', scenario: 'path_browse' };
  return [
    JSON.stringify({
      type: 'Metric',
      data: { name: 'http_req_duration', type: 'trend' },
      metric: 'http_req_duration',
    }),
    point('http_req_duration', ms * 0.9, tags),
    point('checks', ok ? 1 : 0, { ...tags, check: 'browse / list: status 2xx/3xx' }),
    point('iteration_duration', ms, { path: 'browse', scenario: 'path_browse' }),
    point('preflight_path_ok', ok ? 1 : 0, { path: 'browse', scenario: 'path_browse' }),
  ];
}

describe('k6 raw output merge', () => {
  test('two segment files give the percentiles of one file with every sample', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'preflight-k6-merge-'));
    // Two segments with very different latencies: averaging their p95s would be far off.
    const fast = Array.from({ length: 300 }, (_, i) => 5 + (i % 17) * 0.37);
    const slow = Array.from({ length: 100 }, (_, i) => 80 + (i % 13) * 3.1);
    const a = fast.flatMap((ms, i) => iteration(ms, i % 50 !== 0));
    const b = slow.flatMap((ms) => iteration(ms, true));
    await writeFile(path.join(dir, 'a.json'), `${a.join('\n')}\n`);
    await writeFile(path.join(dir, 'b.json'), `${b.join('\n')}\n`);
    await writeFile(path.join(dir, 'all.json'), `${[...b, ...a].join('\n')}\n`);
    const merged = toPathRecords(
      PATHS,
      await readK6Raw([path.join(dir, 'a.json'), path.join(dir, 'b.json')]),
      true,
    );
    const one = toPathRecords(PATHS, await readK6Raw([path.join(dir, 'all.json')]), true);
    const [m, o] = [merged[0], one[0]];
    assert.ok(m && o);
    assert.equal(m.iterations, 400);
    assert.equal(m.errors, 6);
    assert.equal(m.requests, 400);
    assert.equal(m.firstError, 'k6 check failed: browse / list: status 2xx/3xx');
    assert.deepEqual(sortedSamples(m.samples ?? []), sortedSamples(o.samples ?? []));
    for (const p of [50, 95, 99]) {
      assert.equal(m.histogram.percentile(p), o.histogram.percentile(p), `histogram p${p}`);
      assert.equal(
        percentileOfSorted(sortedSamples(m.samples ?? []), p),
        percentileOfSorted(sortedSamples(o.samples ?? []), p),
      );
    }
    // What averaging the segments' percentiles would have said instead: not this.
    const p95 = percentileOfSorted(sortedSamples(m.samples ?? []), 95);
    const averaged =
      (percentileOfSorted(sortedSamples(fast), 95) + percentileOfSorted(sortedSamples(slow), 95)) / 2;
    assert.ok(Math.abs(p95 - averaged) > 10, `${p95} vs ${averaged}`);
    assert.equal(m.steps[0]?.samples?.length, 400);
    assert.equal(m.steps[0]?.errors, 6);
  });

  test('a file that is not k6 JSON output is named with its line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'preflight-k6-merge-'));
    const file = path.join(dir, 'bad.json');
    await writeFile(file, `${iteration(3, true)[1]}\nnot json\n`);
    await assert.rejects(readK6Raw([file]), /bad\.json:2 is not k6 JSON output/);
  });

  test('execution segments of N processes cover 0..1 in order', () => {
    assert.deepEqual(executionSegments(1), { segments: ['0:1'], sequence: '0,1' });
    assert.deepEqual(executionSegments(2), { segments: ['0:1/2', '1/2:1'], sequence: '0,1/2,1' });
    assert.deepEqual(executionSegments(3), {
      segments: ['0:1/3', '1/3:2/3', '2/3:1'],
      sequence: '0,1/3,2/3,1',
    });
  });
});
