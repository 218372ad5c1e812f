/**
 * bench:verdict — how often the before/after verdict is right. Runs N A/A trials
 * (identical servers on both sides) and N A/B trials per slowdown (the candidate slower
 * on every request by a fixed number of ms: 10 % and 25 % of the baseline's measured
 * p95), each through the code path of `preflight compare` (interleaved blocks, bootstrap
 * comparison, the check's decision), and prints the false-alarm rate, the detection
 * rates and the measurement time per trial. Conditions take turns, so drift of the
 * machine hits all of them alike.
 *
 * Usage: npm run bench:verdict [-- --trials 10 --duration 16s --block 1s --rate 400/s]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';
import { toMs } from '../src/plan/schema.js';
import { MetricsSpec, toRate } from '../src/plan/schema-metrics.js';
import { runProbe } from '../src/probe/probe.js';
import { summarizeRecords } from '../src/probe/recorder.js';
import { Redactor } from '../src/report/redact.js';
import { BENCH_PATH, runTrial, startDelayServer, type TrialResult } from './verdict-trial.js';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    duration: { type: 'string', default: '16s' },
    block: { type: 'string', default: '0.5s' },
    rate: { type: 'string', default: '400/s' },
    slowdowns: { type: 'string', default: '10,25' },
  },
});
const trials = Number(flags.trials);
const durationMs = toMs(flags.duration as `${number}s`);
const blockMs = toMs(flags.block as `${number}s`);
const rate = toRate(flags.rate);
const slowdowns = flags.slowdowns.split(',').map(Number);
if (!(trials >= 1) || !(durationMs > 0) || !(blockMs > 0) || slowdowns.some((s) => !(s > 0))) {
  process.stderr.write('usage: npm run bench:verdict -- --trials N --duration 16s --block 1s --rate 400/s\n');
  process.exit(2);
}
const config = MetricsSpec.parse({ block: blockMs, duration: durationMs, rate });
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const pct = (n: number): string => `${n > 0 ? '+' : ''}${n.toFixed(1)}%`;

/** The baseline's p95 at the bench's rate (open model, as in the trials; after a 2 s warm-up). */
async function calibrate(): Promise<number> {
  const server = await startDelayServer(0, 999);
  const agent = new Agent({ connections: config.max_in_flight });
  const probe = (durationMs: number) =>
    runProbe({
      paths: [BENCH_PATH],
      baseUrl: server.url,
      scope: () => ({
        env: {},
        secret: () => undefined,
        run: { id: 'c', dir: '/tmp' },
        service: { url: '' },
        vars: new Map(),
        redactor: new Redactor(),
      }),
      rate,
      durationMs,
      maxInFlight: config.max_in_flight,
      stepTimeout: '10s',
      dispatcher: agent,
      signal: new AbortController().signal,
    });
  try {
    await probe(2000);
    const run = await probe(5000);
    return summarizeRecords(run.records, 5)[0]?.p95_ms ?? 0;
  } finally {
    await agent.close();
    await server.stop();
  }
}

interface Condition {
  name: string;
  extraMs: number;
  /** A/A: the share of trials whose check failed; A/B: of trials whose p95 regressed. */
  target: string;
  hit: (t: TrialResult) => boolean;
  results: TrialResult[];
}

const thresholds = Object.entries(config.regression)
  .map(([k, v]) => `${k} ${v}${k === 'errors' ? ' pp' : '%'}`)
  .join(', ');
console.log(
  `bench:verdict: ${trials} trials per condition, ${durationMs / 1000} s of measurement per trial ` +
    `(blocks of ${blockMs / 1000} s, warm-up ${config.warmup} block per side, ${rate}/s), thresholds ${thresholds}`,
);
console.log(`load average at start: ${load()}`);
const p95 = await calibrate();
const conditions: Condition[] = [
  { name: 'A/A', extraMs: 0, target: '<= 2%', hit: (t) => t.failed, results: [] },
  ...slowdowns.map((s) => ({
    name: `+${s}% p95`,
    extraMs: Math.round(p95 * s) / 100,
    target: s >= 25 ? '>= 99%' : '>= 95%',
    hit: (t: TrialResult) => t.p95.verdict === 'regressed',
    results: [] as TrialResult[],
  })),
];
console.log(
  `calibration: baseline p95 ${p95} ms at ${rate}/s; slowdowns: ${conditions
    .slice(1)
    .map((c) => `${c.name} = +${c.extraMs} ms on every request`)
    .join(', ')}`,
);
const started = performance.now();
for (let i = 0; i < trials; i++) {
  for (const [k, condition] of conditions.entries()) {
    const t = await runTrial({
      config,
      durationMs,
      blockMs,
      rate,
      extraMs: condition.extraMs,
      seed: i * 10 + k,
    });
    condition.results.push(t);
    const iv = t.p95.interval ? `[${pct(t.p95.interval[0])}, ${pct(t.p95.interval[1])}]` : '[n/a]';
    console.log(
      `trial ${String(i + 1).padStart(3)} ${condition.name.padEnd(9)} p95 ${pct(t.p95.change ?? 0).padStart(7)} ` +
        `${iv.padEnd(18)} ${t.p95.verdict.padEnd(12)} check ${t.failed ? 'FAIL' : 'pass'}` +
        `${t.regressed.length ? ` (${t.regressed.join(',')})` : ''}  ${(t.measureMs / 1000).toFixed(1)} s  load ${load()}`,
    );
  }
}
console.log('');
console.log(
  'condition  trials  flagged  rate     target   p95 change mean (sd)   measurement per trial mean / max',
);
for (const c of conditions) {
  const hits = c.results.filter(c.hit).length;
  const changes = c.results.map((t) => t.p95.change ?? 0);
  const mean = changes.reduce((s, v) => s + v, 0) / changes.length;
  const sd = Math.sqrt(changes.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, changes.length - 1));
  const times = c.results.map((t) => t.measureMs / 1000);
  console.log(
    `${c.name.padEnd(10)} ${String(c.results.length).padEnd(7)} ${String(hits).padEnd(8)} ` +
      `${`${((hits / c.results.length) * 100).toFixed(1)}%`.padEnd(8)} ${c.target.padEnd(8)} ` +
      `${`${pct(mean)} (${sd.toFixed(1)})`.padEnd(22)} ` +
      `${(times.reduce((s, v) => s + v, 0) / times.length).toFixed(1)} s / ${Math.max(...times).toFixed(1)} s`,
  );
}
console.log('A/A "flagged" = the check failed (any gated metric regressed); A/B = p95 regressed.');
const minutes = (performance.now() - started) / 60_000;
console.log(`wall time ${minutes.toFixed(1)} min; load average at end: ${load()}`);
if (trials < 50) {
  const full = (minutes * 50) / trials;
  console.log(
    `full run (N = 50): npm run bench:verdict -- --trials 50 --duration ${flags.duration}   (about ${Math.ceil(full)} min)`,
  );
}
