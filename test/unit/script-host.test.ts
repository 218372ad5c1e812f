/**
 * The script host's limits: a kept script that never ends is stopped at its deadline, one that
 * allocates without end is stopped by its heap cap, and each leaves the host able to run the
 * next script (a new worker). The deadline is what the assertion is about, not how fast.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ScriptHost } from '../../src/http/script-host.js';

const host = new ScriptHost({ timeoutMs: 1_000, memoryMb: 64 });
after(() => host.close());

const job = (code: string) => ({
  listen: 'test' as const,
  code,
  variables: { n: 2 },
  request: { method: 'GET', url: 'http://127.0.0.1/x', headers: [] as [string, string][] },
  response: {
    code: 200,
    reason: 'OK',
    headers: [] as [string, string][],
    body: Buffer.from('{"a":1}').toString('base64'),
    responseTime: 3,
    cookies: [] as [string, string][],
  },
});

describe('kept scripts run within limits', () => {
  test('an endless loop is stopped at the deadline; the next script runs', async () => {
    const stuck = await host.run(job('while (true) {}'));
    assert.match(stuck.error ?? '', /did not finish within 1 s/);
    const next = await host.run(
      job(
        'pm.test("a", () => pm.expect(pm.response.json().a).to.eql(1)); pm.environment.set("m", pm.variables.get("n") * 2);',
      ),
    );
    assert.equal(next.error, undefined);
    assert.deepEqual(
      next.assertions.map((a) => [a.name, a.passed]),
      [['a', true]],
    );
    assert.deepEqual(next.set, { m: 4 });
  });

  test('a script that allocates without end is stopped by the heap cap', async () => {
    const hog = await host.run(job('const keep = []; for (;;) keep.push(new Array(1e6).fill(7));'));
    assert.match(hog.error ?? '', /more than its 64 MiB of memory|did not finish/);
    const next = await host.run(job('pm.test("b", () => true);'));
    assert.deepEqual(
      next.assertions.map((a) => a.name),
      ['b'],
    );
  });

  test('pm.sendRequest gets an error back instead of hanging', async () => {
    const sent = await host.run(
      job(
        'pm.sendRequest("http://127.0.0.1:9/", (err) => pm.test("refused", () => pm.expect(err.message).to.include("not supported")));',
      ),
    );
    assert.deepEqual(
      sent.assertions.map((a) => [a.name, a.passed]),
      [['refused', true]],
    );
  });
});
