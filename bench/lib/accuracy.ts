/**
 * Latency accuracy on the Node server's /sleep20: each client's p50 and p99 minus the
 * server's own figures (request arrival to response end, timed in the server) over the
 * same run. preflight's probe runs its open model at 50 iterations/s; the others run one
 * request after another (latency-clients.ts).
 */
import { request } from 'undici';
import type { BenchContext } from './context.js';
import { LATENCY_TOOLS, type LatencyTool, runLatencyTool } from './latency-clients.js';
import { alternate, medians } from './measure.js';
import { errorRows, type Row, target } from './table.js';

interface ServerStats {
  count: number;
  p50_ms: number;
  p99_ms: number;
}

async function serverStats(url: string, reset: boolean): Promise<ServerStats> {
  const res = await request(reset ? `${url}/stats/reset` : `${url}/stats`, {
    method: reset ? 'POST' : 'GET',
  });
  return (await res.body.json()) as ServerStats;
}

interface Bias {
  p50: number;
  p99: number;
}

/** The accuracy rows: p50 bias (with its target) and p99 bias. */
export async function benchAccuracy(ctx: BenchContext): Promise<Row[]> {
  const url = ctx.node.url;
  const label = 'p50 bias on /sleep20 vs the server';
  const p99Label = 'p99 bias on /sleep20 vs the server';
  let results: Map<LatencyTool, Bias[]>;
  try {
    results = await alternate(LATENCY_TOOLS, ctx.options.rounds, async (tool, round) => {
      await serverStats(url, true);
      const f = await runLatencyTool(ctx, tool, `${url}/sleep20`, ctx.options.seconds);
      const server = await serverStats(url, false);
      const bias = { p50: f.p50Ms - server.p50_ms, p99: f.p99Ms - server.p99_ms };
      ctx.log(
        `accuracy round ${round + 1} ${tool}: p50 ${f.p50Ms} ms (server ${server.p50_ms.toFixed(2)}), p99 ${f.p99Ms} ms (server ${server.p99_ms.toFixed(2)}), ${server.count} requests`,
      );
      return bias;
    });
  } catch (error) {
    return errorRows([label, p99Label], error);
  }
  const fig = (pick: (r: Bias) => number) => medians(LATENCY_TOOLS, results, pick);
  const p50 = fig((b) => b.p50);
  return [
    {
      label,
      unit: '±ms',
      values: p50,
      target: target(Math.abs(p50.preflight), '<=', 0.6, 'within 0.6 ms'),
    },
    { label: p99Label, unit: '±ms', values: fig((b) => b.p99) },
  ];
}
