/**
 * The probe's plain-HTTP transport, h1-pool.ts, against undici's own pools carrying the same
 * probe: client CPU per request at an equal, fixed rate (open model) against the Node server.
 * The rule of issue 20: h1-pool stays only while it saves at least 25 % of the client CPU, that
 * is, undici needs ≥ 1.25x its CPU per request. Both run bench/peers/probe.mjs on dist/;
 * PROBE_TRANSPORT=undici swaps the dispatcher. The same cases run against both transports in
 * test/unit/http-transport.test.ts.
 */
import type { BenchContext } from './context.js';
import { alternate, measureCommand, medianRatio, medians } from './measure.js';
import { errorRows, type Row, target } from './table.js';

const TRANSPORTS = ['preflight', 'undici'] as const;
const RATE = 1000;

interface Figures {
  rate: number;
  cpuUs: number;
}

export async function benchTransport(ctx: BenchContext): Promise<Row[]> {
  const label = `probe transport: client CPU per request at ${RATE}/s (h1-pool vs undici pools)`;
  try {
    const { origin } = new URL(ctx.node.url);
    const results = await alternate(TRANSPORTS, ctx.options.rounds, async (transport): Promise<Figures> => {
      const m = await measureCommand(
        `node bench/peers/probe.mjs open ${origin} / ${RATE} ${ctx.options.seconds}`,
        {
          cwd: ctx.root,
          tmp: ctx.tmp,
          env: transport === 'undici' ? { PROBE_TRANSPORT: 'undici' } : {},
          timeoutMs: (ctx.options.seconds + 60) * 1000,
        },
      );
      const r = JSON.parse(m.output.trim().split('\n').at(-1) ?? '{}') as { rate: number; cpu_us: number };
      return { rate: r.rate, cpuUs: r.cpu_us };
    });
    const cpu = medians(TRANSPORTS, results, (f) => f.cpuUs);
    const ratio = medianRatio(results, 'undici', 'preflight', (f) => f.cpuUs);
    const rates = medians(TRANSPORTS, results, (f) => f.rate);
    const equal = Math.min(rates.preflight, rates.undici) >= RATE * 0.95;
    return [
      {
        label: `${label}${equal ? '' : ` (rate not held: ${Math.round(rates.preflight)}/s vs ${Math.round(rates.undici)}/s)`}`,
        unit: 'µs',
        values: cpu,
        ratio,
        target: target(equal ? ratio : Number.NaN, '>=', 1.25, 'undici ≥ 1.25x'),
      },
    ];
  } catch (error) {
    return errorRows([label], error);
  }
}
