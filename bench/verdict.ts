/**
 * bench:verdict — how often the before/after verdict is right, at the plan's default metrics
 * settings. Each trial starts two delay servers (identical, or the candidate slower on every
 * request by a fixed number of ms: 10 % and 25 % of the baseline's p95, measured first) and runs
 * the code path of `preflight compare`: interleaved rounds with a look after each, until every
 * blocking comparison is conclusive or max_duration. Conditions:
 *   A/A        identical sides: "regressed" is a false alarm;
 *   +10 % p95  and +25 % p95: "regressed" (p95) is a detection, "unchanged" a miss;
 *   A/A + hog  identical sides while a busy loop the bench starts runs on the other core.
 * The first three take turns; the hog trials run after them, with the hog on. `--parallel N`
 * runs N trials at once (the delay servers do no CPU work; the default 1 measures one at a time).
 *
 * Usage: npm run bench:verdict [-- --trials 50 --parallel 2 --conditions aa,10,25,hog]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { toMs } from '../src/plan/duration.js';
import { MetricsSpec, toRate } from '../src/plan/schema-metrics.js';
import { createProbeDispatcher } from '../src/probe/dispatcher.js';
import { runProbe } from '../src/probe/probe.js';
import { summarizeRecords } from '../src/probe/recorder.js';
import { BENCH_PATH, benchScope, runTrial, startDelayServer, type TrialResult } from './verdict-trial.js';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    parallel: { type: 'string', default: '1' },
    conditions: { type: 'string', default: 'aa,10,25,hog' },
    rate: { type: 'string' },
    block: { type: 'string' },
    'max-duration': { type: 'string' },
  },
});
const trials = Number(flags.trials);
const parallel = Number(flags.parallel);
const wanted = new Set(flags.conditions.split(',').map((s) => s.trim()));
const config = MetricsSpec.parse({
  ...(flags.rate ? { rate: flags.rate } : {}),
  ...(flags.block ? { block: flags.block } : {}),
  ...(flags['max-duration'] ? { max_duration: flags['max-duration'] } : {}),
});
const rate = toRate(config.rate);
const blockMs = toMs(config.block);
const maxDurationMs = toMs(config.max_duration);
if (!(trials >= 1) || !(parallel >= 1)) {
  process.stderr.write('usage: npm run bench:verdict -- --trials N --parallel N --conditions aa,10,25,hog\n');
  process.exit(2);
}
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const pct = (n: number): string => `${n > 0 ? '+' : ''}${n.toFixed(1)}%`;

/** The baseline's p95 at the bench's rate (open model, as in the trials; after a 2 s warm-up). */
async function calibrate(): Promise<number> {
  const server = await startDelayServer(0, 999);
  const dispatcher = createProbeDispatcher(config.max_in_flight);
  const probe = (durationMs: number) =>
    runProbe({
      paths: [BENCH_PATH],
      baseUrl: server.url,
      scope: benchScope,
      rate,
      durationMs,
      maxInFlight: config.max_in_flight,
      stepTimeout: '10s',
      dispatcher,
      signal: new AbortController().signal,
    });
  try {
    await probe(2000);
    const run = await probe(5000);
    return summarizeRecords(run.records, 5)[0]?.p95_ms ?? 0;
  } finally {
    await dispatcher.close();
    await server.stop();
  }
}

interface Condition {
  key: string;
  name: string;
  extraMs: number;
  hog: boolean;
  /** What counts: the check failed (a blocking comparison regressed): A/A a false alarm, A/B a detection. */
  target: string;
  hit: (t: TrialResult) => boolean;
  results: TrialResult[];
  loads: number[];
}

/** A busy loop on the other core (pinned with taskset when there is one). */
function startHog(): ChildProcess {
  const cores = availableParallelism();
  const pin = cores > 1 && spawnSync('taskset', ['--version']).status === 0;
  const args = ['-e', 'for (;;) {}'];
  return pin
    ? spawn('taskset', ['-c', String(cores - 1), process.execPath, ...args], { stdio: 'ignore' })
    : spawn(process.execPath, args, { stdio: 'ignore' });
}

async function runConditions(list: Condition[], seedBase: number): Promise<void> {
  const queue: { condition: Condition; i: number; k: number }[] = [];
  for (let i = 0; i < trials; i++)
    for (const [k, condition] of list.entries()) queue.push({ condition, i, k });
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { condition, i, k } = job;
      const t = await runTrial({
        config,
        rate,
        blockMs,
        maxDurationMs,
        extraMs: condition.extraMs,
        seed: seedBase + i * 10 + k,
      });
      condition.results.push(t);
      condition.loads.push(loadavg()[0] as number);
      const iv = t.p95.interval ? `[${pct(t.p95.interval[0])}, ${pct(t.p95.interval[1])}]` : '[n/a]';
      console.log(
        `trial ${String(i + 1).padStart(3)} ${condition.name.padEnd(10)} p95 ${pct(t.p95.change ?? 0).padStart(7)} ` +
          `${iv.padEnd(18)} ${t.p95.verdict.padEnd(12)} check ${t.status.padEnd(5)}` +
          `${t.regressed.length ? ` (regressed: ${t.regressed.join(',')})` : ''} ${t.stopped} after ${(t.measureMs / 1000).toFixed(1)} s, ${t.rounds} pairs  load ${load()}`,
      );
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

const thresholds = Object.entries(config.regression)
  .map(([k, v]) => `${k} ${v}${k === 'errors' ? ' pp' : '%'}`)
  .join(', ');
console.log(
  `bench:verdict: ${trials} trials per condition, ${parallel} at a time; plan defaults: rate ${rate}/s, blocks of ${blockMs / 1000} s, ` +
    `warm-up ${config.warmup} round, min_blocks ${config.min_blocks}, max_duration ${maxDurationMs / 1000} s, confidence ${config.confidence}, thresholds ${thresholds}`,
);
console.log(`load average at start: ${load()}`);
const p95 = await calibrate();
const slowdown = (s: number): Condition => ({
  key: String(s),
  name: `+${s}% p95`,
  extraMs: Math.round(p95 * s) / 100,
  hog: false,
  target: s >= 25 ? '>= 99%' : '>= 95%',
  hit: (t) => t.status === 'fail',
  results: [],
  loads: [],
});
const aa = (hog: boolean): Condition => ({
  key: hog ? 'hog' : 'aa',
  name: hog ? 'A/A + hog' : 'A/A',
  extraMs: 0,
  hog,
  target: '<= 1%',
  hit: (t) => t.status === 'fail',
  results: [],
  loads: [],
});
const conditions = [aa(false), slowdown(10), slowdown(25), aa(true)].filter((c) => wanted.has(c.key));
console.log(
  `calibration: baseline p95 ${p95} ms at ${rate}/s; ${conditions
    .filter((c) => c.extraMs > 0)
    .map((c) => `${c.name} = +${c.extraMs} ms on every request`)
    .join(', ')}`,
);
const started = performance.now();
await runConditions(
  conditions.filter((c) => !c.hog),
  0,
);
const hogged = conditions.filter((c) => c.hog);
if (hogged.length > 0) {
  const hog = startHog();
  console.log(`CPU hog started (pid ${hog.pid}): a busy loop on the other core`);
  try {
    await runConditions(hogged, 5000);
  } finally {
    hog.kill('SIGKILL');
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
};
console.log('');
const header = [
  'condition',
  'trials',
  'NO-GO (regressed)',
  'of which p95',
  'GO (unchanged)',
  'inconclusive',
  'rate',
  'target',
  'conclusive in (median / p90)',
  'unchanged crossing thr',
  'load avg (1 min) min–max',
];
const rows = conditions.map((c) => {
  const n = c.results.length;
  const hits = c.results.filter(c.hit).length;
  const regressed = c.results.filter((t) => t.status === 'fail').length;
  const p95 = c.results.filter((t) => t.status === 'fail' && t.p95.verdict === 'regressed').length;
  const unchanged = c.results.filter((t) => t.status === 'pass').length;
  const inconclusive = c.results.filter((t) => t.status === 'error').length;
  const conclusive = c.results.filter((t) => t.stopped === 'conclusive').map((t) => t.measureMs / 1000);
  const crossing = c.results.reduce((s, t) => s + t.unchangedCrossing, 0);
  return [
    c.name,
    String(n),
    String(regressed),
    String(p95),
    String(unchanged),
    String(inconclusive),
    `${((hits / Math.max(1, n)) * 100).toFixed(1)}%`,
    c.target,
    `${median(conclusive).toFixed(1)} s / ${quantile(conclusive, 0.9).toFixed(1)} s`,
    String(crossing),
    `${Math.min(...c.loads).toFixed(2)}–${Math.max(...c.loads).toFixed(2)}`,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
console.log(
  'rate: the share of trials whose check failed (a blocking comparison regressed): for A/A a false alarm, for A/B a detection. ' +
    '"unchanged"/"inconclusive": trials whose check passed / ended without enough evidence. ' +
    '"conclusive in": measurement time of the trials that stopped with every blocking comparison conclusive.',
);
console.log(
  `wall time ${((performance.now() - started) / 60_000).toFixed(1)} min; load average at end: ${load()}`,
);
