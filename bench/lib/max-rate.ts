/**
 * Maximum rate: preflight's probe (max-rate mode: one closed loop per connection) beside
 * wrk, autocannon and k6 with the same connection count (k6: as many VUs), against the Node server and the
 * uvicorn app; plus each client's CPU time per request.
 */
import { LOAD_TOOLS, type LoadFigures, type LoadTool, runLoadTool } from './clients.js';
import type { BenchContext } from './context.js';
import { alternate, medianRatio, medians } from './measure.js';
import type { BenchServer } from './servers.js';
import { errorRows, type Row, target } from './table.js';

/** The client CPU target, as a ratio to wrk's (issue 21: 8 µs over wrk's 5.5 µs when filed). */
const CPU_VS_WRK = 1.45;

/**
 * Rate and CPU rows for one server; `minRatio` is the target of probe rate / wrk rate,
 * `maxCpuRatio` that of the probe's CPU per request / wrk's, `minK6` that of probe rate / k6
 * rate (none where the server, not the client, sets the rate).
 */
async function benchServer(
  ctx: BenchContext,
  server: BenchServer,
  minRatio: number,
  maxCpuRatio: number,
  minK6: number | null,
): Promise<Row[]> {
  const { connections, seconds, rounds } = ctx.options;
  const label = `max rate, ${server.name} (${connections} connections)`;
  const cpuLabel = `client CPU per request, ${server.name}`;
  let results: Map<LoadTool, LoadFigures[]>;
  try {
    results = await alternate(LOAD_TOOLS, rounds, async (tool, round) => {
      const f = await runLoadTool(ctx, tool, {
        url: `${server.url}/`,
        amount: connections,
        seconds,
        mode: 'max-rate',
      });
      ctx.log(
        `max rate ${server.name} round ${round + 1} ${tool}: ${Math.round(f.rate)}/s, ${f.cpuUs.toFixed(1)} µs CPU/request`,
      );
      return f;
    });
  } catch (error) {
    return errorRows([label, cpuLabel], error);
  }
  const fig = (pick: (r: LoadFigures) => number) => medians(LOAD_TOOLS, results, pick);
  const rate = fig((f) => f.rate);
  const cpu = fig((f) => f.cpuUs);
  const ratio = medianRatio(results, 'preflight', 'wrk', (f) => f.rate);
  const cpuRatio = medianRatio(results, 'preflight', 'wrk', (f) => f.cpuUs);
  const k6Ratio = medianRatio(results, 'preflight', 'k6', (f) => f.rate);
  return [
    {
      label,
      unit: 'req/s',
      values: rate,
      ratio,
      target: target(ratio, '>=', minRatio, `≥ ${minRatio}x wrk`),
    },
    {
      label: cpuLabel,
      unit: 'µs',
      values: cpu,
      ratio: cpuRatio,
      target: target(cpuRatio, '<=', maxCpuRatio, `≤ ${maxCpuRatio}x wrk`),
    },
    {
      label: `max rate, ${server.name}: preflight / k6`,
      unit: 'x',
      values: {},
      ratio: k6Ratio,
      ...(minK6 === null ? {} : { target: target(k6Ratio, '>=', minK6, `≥ ${minK6}x k6`) }),
    },
  ];
}

/** The probe rows for both servers. */
export async function benchMaxRate(ctx: BenchContext): Promise<Row[]> {
  // Targets of issue 21 on the Node server: ≥ 1.0x wrk -t1, ≥ 4x k6, and client CPU per request
  // ≤ 8 µs when filed, on a machine where wrk took 5.3-5.9 µs: ≤ 1.45x wrk's, measured in the same
  // run (an absolute figure moves with the machine: wrk itself took 9.8-10.7 µs on 2026-12-07).
  // One uvicorn worker answers a few thousand requests a second, which every client reaches: its
  // k6 ratio is shown, without a target (no client can be 4x faster than the server lets it).
  return [
    ...(await benchServer(ctx, ctx.uvicorn, 0.9, CPU_VS_WRK, null)),
    ...(await benchServer(ctx, ctx.node, 1.0, CPU_VS_WRK, 4)),
  ];
}
