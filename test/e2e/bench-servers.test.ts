/**
 * npm run bench's servers and fixtures: both servers serve the 5-step flow (run by the built
 * CLI, the undici peer, Newman and Step CI as the bench runs them) and time /sleep20 themselves.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { STEPCI_ENV } from '../../bench/lib/context.js';
import { writePreflightFlowPlan, writeStepCiFlowWorkflow } from '../../bench/lib/flow.js';
import { type BenchServer, startFastApi, startNodeServer } from '../../bench/lib/servers.js';
import { runCommand } from '../../src/process/process.js';
import { ROOT, runCli } from '../support/cli.js';

async function sh(command: string): Promise<{ code: number | null; output: string }> {
  const r = await runCommand(command, {
    cwd: ROOT,
    env: { ...process.env, ...STEPCI_ENV },
    timeoutMs: 60_000,
  });
  return { code: r.exit_code, output: r.output };
}

async function call(url: string, method: 'GET' | 'POST' | 'DELETE' = 'GET'): Promise<[number, unknown]> {
  const res = await request(url, { method });
  const text = await res.body.text();
  return [res.statusCode, text ? JSON.parse(text) : undefined];
}

for (const [name, start] of [
  ['node', startNodeServer],
  ['uvicorn', startFastApi],
] as const) {
  describe(`bench server: ${name}`, () => {
    let server: BenchServer;
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bench-e2e-'));
      server = await start(ROOT);
    });
    after(async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('passes the flow plan (2 copies) with the built CLI, and the undici peer', async () => {
      const plan = writePreflightFlowPlan(ROOT, dir, 2);
      const r = await runCli(['run', '--plan', plan, '--base-url', server.url, '--no-store']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /2 critical paths passed/);
      const peer = await sh(`node bench/peers/undici-flow.mjs ${server.url} 3`);
      assert.equal(peer.code, 0, peer.output);
    });

    it('refuses a delete without the token and times /sleep20 in the server', async () => {
      assert.equal((await call(`${server.url}/items/1`, 'DELETE'))[0], 401);
      await call(`${server.url}/stats/reset`, 'POST');
      for (let i = 0; i < 3; i++) assert.equal((await call(`${server.url}/sleep20`))[0], 200);
      const [status, stats] = await call(`${server.url}/stats`);
      assert.equal(status, 200);
      const s = stats as { count: number; p50_ms: number; p99_ms: number };
      assert.equal(s.count, 3);
      // Node's timers run on a millisecond clock: a 20 ms timeout can fire 19.x ms after hrtime says it was set.
      assert.ok(s.p50_ms >= 18 && s.p50_ms < 200, `p50 ${s.p50_ms}`);
      assert.ok(s.p99_ms >= s.p50_ms);
    });

    if (name === 'node') {
      it("runs preflight's probe (dist/) in both modes, as the bench does", async () => {
        const maxRate = await sh(`node bench/peers/probe.mjs max-rate ${server.url} / 4 1`);
        assert.equal(maxRate.code, 0, maxRate.output);
        const m = JSON.parse(maxRate.output.trim().split('\n').at(-1) ?? '{}');
        assert.ok(m.requests > 0 && m.errors === 0 && m.rate > 0 && m.cpu_us > 0, maxRate.output);
        const open = await sh(`node bench/peers/probe.mjs open ${server.url} /sleep20 20 1`);
        assert.equal(open.code, 0, open.output);
        const o = JSON.parse(open.output.trim().split('\n').at(-1) ?? '{}');
        assert.ok(o.requests >= 15 && o.p50_ms >= 20 && o.p99_ms >= o.p50_ms, open.output);
      });

      it('passes the Newman collection and the Step CI workflow', async () => {
        const newman = await sh(
          `node_modules/.bin/newman run bench/fixtures/flow.postman_collection.json -n 2 --env-var baseUrl=${server.url}`,
        );
        assert.equal(newman.code, 0, newman.output);
        assert.match(newman.output, /requests\s+│\s+10\s+│\s+0/);
        const stepci = await sh(
          `node_modules/.bin/stepci run ${writeStepCiFlowWorkflow(ROOT, dir, 2)} -e base=${server.url}`,
        );
        assert.equal(stepci.code, 0, stepci.output);
        assert.match(stepci.output, /Steps: 0 failed, 0 skipped, 10 passed/);
      });
    }
  });
}
