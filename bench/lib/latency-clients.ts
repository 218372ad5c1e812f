/**
 * The clients of the latency-accuracy rows: preflight's probe (open model, 50/s), the
 * undici script and Newman (one request after another), wrk and autocannon (one connection).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runK6, runLoadTool } from './clients.js';
import type { BenchContext } from './context.js';
import { measureCommand } from './measure.js';

export const LATENCY_TOOLS = ['preflight', 'undici', 'newman', 'wrk', 'autocannon', 'k6'] as const;
export type LatencyTool = (typeof LATENCY_TOOLS)[number];

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
}

/** Run one client on `url` for about `seconds` and read its own p50 and p99. */
export async function runLatencyTool(
  ctx: BenchContext,
  tool: LatencyTool,
  url: string,
  seconds: number,
): Promise<LatencyFigures> {
  const o = { cwd: ctx.root, tmp: ctx.tmp, timeoutMs: (seconds + 60) * 1000 };
  switch (tool) {
    case 'k6': {
      // One VU, one request after another, as the undici script.
      const f = await runK6(ctx, url, 1, seconds);
      return { p50Ms: f.p50Ms, p99Ms: f.p99Ms };
    }
    case 'undici': {
      const m = await measureCommand(`node bench/peers/undici-latency.mjs ${url} ${seconds}`, o);
      const r = JSON.parse(m.output.trim().split('\n').at(-1) ?? '{}');
      return { p50Ms: r.p50_ms, p99Ms: r.p99_ms };
    }
    case 'newman': {
      // Newman has no duration option: about 25 iterations a second of a 20 ms request.
      const file = join(ctx.tmp, 'newman-latency.json');
      const { origin } = new URL(url);
      await measureCommand(
        `node_modules/.bin/newman run bench/fixtures/sleep20.postman_collection.json -n ${seconds * 25} --env-var baseUrl=${origin} --reporters json --reporter-json-export ${file}`,
        o,
      );
      const run = JSON.parse(readFileSync(file, 'utf8')).run as {
        executions: { response: { responseTime: number } }[];
      };
      const times = run.executions.map((e) => e.response.responseTime).sort((a, b) => a - b);
      return { p50Ms: nearestRank(times, 50), p99Ms: nearestRank(times, 99) };
    }
    case 'preflight': {
      const f = await runLoadTool(ctx, tool, { url, amount: 50, seconds, mode: 'open' });
      return { p50Ms: f.p50Ms, p99Ms: f.p99Ms };
    }
    default: {
      const f = await runLoadTool(ctx, tool, { url, amount: 1, seconds, mode: 'max-rate' });
      return { p50Ms: f.p50Ms, p99Ms: f.p99Ms };
    }
  }
}

/** The nearest-rank percentile of sorted values, as the bench servers compute theirs. */
function nearestRank(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
