import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { beforeEach, describe, test } from 'node:test';
import { sendJson as json, useLocalServer } from '../support/local-server.js';

const calls = new Map<string, number>();

const routes: Record<string, (res: ServerResponse, call: number) => void> = {
  '/flaky': (res, call) =>
    call === 1 ? json(res, 503, { error: 'warming up' }) : json(res, 200, { ok: true }),
  '/job': (res, call) => json(res, 200, { state: call >= 3 ? 'done' : 'running', call }),
  '/never': (res) => json(res, 500, { error: 'down' }),
  '/hang': () => undefined,
};

const local = useLocalServer((req, res) => {
  const url = req.url ?? '';
  const call = (calls.get(url) ?? 0) + 1;
  calls.set(url, call);
  const route = routes[url];
  if (route) route(res, call);
  else res.writeHead(404).end();
});

beforeEach(() => calls.clear());

const run = local.runSteps;

describe('retry', () => {
  test('a step that fails once then passes is a flaky pass after 2 attempts', async () => {
    const result = await run([
      {
        name: 'warm',
        request: { url: '/flaky' },
        expect: { status: 200 },
        retry: { count: 3, interval: '20ms' },
      },
    ]);
    const step = result.steps[0];
    assert.equal(step?.status, 'pass');
    assert.equal(step?.flaky, true);
    assert.equal(step?.attempts, 2);
    assert.equal(result.flaky, true);
    assert.equal(result.status, 'pass');
    assert.equal(calls.get('/flaky'), 2);
  });

  test('retries are used up: the step fails after count + 1 attempts', async () => {
    const result = await run([
      {
        name: 'down',
        request: { url: '/never' },
        expect: { status: 200 },
        retry: { count: 2, interval: 10 },
      },
    ]);
    assert.equal(result.steps[0]?.status, 'fail');
    assert.equal(result.steps[0]?.attempts, 3);
    assert.equal(result.steps[0]?.flaky, false);
  });

  test('until polls until the job is done: pass, not flaky, 3 attempts; expect runs on the final response', async () => {
    const result = await run([
      {
        name: 'wait for job',
        request: { url: '/job' },
        expect: { json: { '$.call': 3 } },
        retry: { count: 5, interval: '20ms', until: { json: { '$.state': 'done' } } },
        capture: { final_call: '$.call' },
      },
      { name: 'use', request: { url: '/n/{{ final_call }}' }, expect: { status: 404 } },
    ]);
    const step = result.steps[0];
    assert.equal(step?.status, 'pass', JSON.stringify(step));
    assert.equal(step?.flaky, false);
    assert.equal(step?.attempts, 3);
    assert.equal(result.steps[1]?.request?.url, `${local.url}/n/3`);
  });

  test('until that never holds fails the step with the until assertion', async () => {
    const result = await run([
      {
        name: 'poll',
        request: { url: '/job' },
        retry: { count: 1, interval: 10, until: { json: { '$.state': 'done' } } },
      },
    ]);
    const step = result.steps[0];
    assert.equal(step?.status, 'fail');
    assert.equal(step?.attempts, 2);
    assert.equal(step?.failures?.[0]?.assertion, 'until json $.state');
  });

  test('cancelling the run during a request skips that step and the rest promptly', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await run(
      [
        { name: 'hang', request: { url: '/hang' } },
        { name: 'next', request: { url: '/job' } },
      ],
      { signal: controller.signal },
    );
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.skip_reason]),
      [
        ['skip', 'run cancelled'],
        ['skip', 'run cancelled'],
      ],
    );
    assert.equal(result.status, 'skip');
    assert.equal(calls.get('/job'), undefined);
  });

  test('cancelling during a retry wait stops retrying and keeps the last attempt', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await run(
      [
        {
          name: 'down',
          request: { url: '/never' },
          expect: { status: 200 },
          retry: { count: 10, interval: '5s' },
        },
        { name: 'next', request: { url: '/job' } },
      ],
      { signal: controller.signal },
    );
    assert.ok(performance.now() - started < 1000);
    assert.equal(result.steps[0]?.status, 'fail');
    assert.equal(result.steps[0]?.attempts, 1);
    assert.equal(result.steps[1]?.status, 'skip');
  });
});
