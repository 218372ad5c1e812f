import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { countBlocks, measureInterleaved } from '../../src/metrics/interleave.js';
import { CriticalPathSpec } from '../../src/plan/schema.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { Redactor } from '../../src/report/redact.js';

let server: Server;
let baseUrl: string;
const agent = new Agent({ connections: 16 });

before(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const path = CriticalPathSpec.parse({
  name: 'p',
  owner: 'o',
  expect: 'e',
  rollback: 'r',
  steps: [{ name: 's', request: { url: '/' } }],
});

const scope = (): TemplateScope => ({
  env: {},
  secret: () => undefined,
  run: { id: 'r', dir: '/tmp' },
  service: { url: '' },
  vars: new Map(),
  redactor: new Redactor(),
});

describe('interleaved measurement', () => {
  test('sides take turns in the counterbalanced order A B, B A, A B; the first round warms up', async () => {
    const result = await measureInterleaved({
      paths: [path],
      urls: { baseline: baseUrl, candidate: baseUrl },
      scope,
      rate: 40,
      blockMs: 100,
      blocks: 6,
      warmup: 1,
      maxInFlight: 16,
      stepTimeout: '5s',
      dispatcher: agent,
      signal: new AbortController().signal,
    });
    assert.deepEqual(
      result.blocks.map((b) => `${b.side[0]}${b.warmup ? '*' : ''}`),
      ['b*', 'c*', 'c', 'b', 'b', 'c'],
    );
    assert.ok(result.blocks.every((b) => (b.paths[0]?.count ?? 0) > 0));
  });

  test('the max-rate model runs closed loops in each block instead of a fixed rate', async () => {
    const result = await measureInterleaved({
      paths: [path],
      urls: { baseline: baseUrl, candidate: baseUrl },
      scope,
      rate: 1,
      model: 'max-rate',
      vus: 2,
      blockMs: 200,
      blocks: 2,
      warmup: 0,
      maxInFlight: 16,
      stepTimeout: '5s',
      dispatcher: agent,
      signal: new AbortController().signal,
    });
    // At 1/s the open model would start one iteration per block; two closed loops start hundreds.
    for (const block of result.blocks) assert.ok((block.paths[0]?.count ?? 0) > 20, JSON.stringify(block));
    assert.equal(result.records.candidate[0]?.errors, 0);
  });

  test('block count: whole rounds, at least the warm-up and min_blocks per side', () => {
    const config = { warmup: 1, min_blocks: 4 };
    assert.equal(countBlocks(config, 30_000, 2000, 2), 16);
    assert.equal(countBlocks(config, 4000, 2000, 2), 10);
    assert.equal(countBlocks(config, 16_000, 500, 2), 32);
    assert.equal(countBlocks(config, 30_000, 2000, 1), 15);
  });
});
