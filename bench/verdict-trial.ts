/**
 * One bench:verdict trial: start a baseline and a candidate delay server (the candidate
 * `extraMs` slower on every request), measure them with the code path of `preflight compare`
 * (interleaved rounds with a look after each, the confidence-sequence comparison and the check's
 * decision), and stop both servers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decideMetricsOutcome } from '../src/checks/metrics/outcome.js';
import type { MetricComparison, MetricsResult } from '../src/checks/metrics/result.js';
import { compareSoFar, type LookSettings, measureSequentially } from '../src/metrics/look.js';
import { buildMetricsResult, confidenceOf, thresholdsOf } from '../src/metrics/result.js';
import { type CriticalPath, CriticalPathSpec } from '../src/plan/schema.js';
import type { MetricsConfig } from '../src/plan/schema-metrics.js';
import type { TemplateScope } from '../src/plan/template.js';
import { createProbeDispatcher } from '../src/probe/dispatcher.js';
import { ManagedProcess } from '../src/process/process.js';
import { Redactor } from '../src/secrets/redactor.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'delay-server.mjs');

/** A running delay server. */
export interface DelayServer {
  url: string;
  stop: () => Promise<void>;
}

/** Start a delay server `extraMs` slower than the baseline distribution; `seed` varies its draws. */
export async function startDelayServer(extraMs: number, seed: number): Promise<DelayServer> {
  let port = 0;
  const server = new ManagedProcess(`node ${JSON.stringify(SERVER)}`, {
    cwd: process.cwd(),
    env: { ...process.env, DELAY_EXTRA_MS: String(extraMs), DELAY_SEED: String(seed) },
    onOutput: (text) => {
      const m = /PORT (\d+)/.exec(text);
      if (m) port = Number(m[1]);
    },
  });
  const deadline = performance.now() + 10_000;
  while (port === 0 && !server.done && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  if (port === 0) {
    await server.stop();
    throw new Error(`the delay server did not start: ${server.tail(5)}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop: async () => void (await server.stop()) };
}

/** The one critical path measured: a GET that must answer 200 (one step: the step is the path). */
export const BENCH_PATH: CriticalPath = CriticalPathSpec.parse({
  name: 'item',
  owner: 'bench',
  expect: 'answers',
  rollback: 'none',
  steps: [{ name: 'get', request: { url: '/item' }, expect: { status: 200 } }],
});

/** A scope for paths without templates. */
export function benchScope(): TemplateScope {
  return {
    env: {},
    secret: () => undefined,
    run: { id: 'bench', dir: '/tmp' },
    service: { url: '' },
    vars: new Map(),
    redactor: new Redactor(),
  };
}

/** What one trial found. */
export interface TrialResult {
  /** The check's status: fail (a blocking metric regressed), error (not enough evidence), pass. */
  status: 'pass' | 'fail' | 'error' | 'skip';
  p95: MetricComparison;
  /** Blocking comparisons that regressed; rows `unchanged` whose interval crosses ± the threshold (must be none). */
  regressed: string[];
  unchangedCrossing: number;
  /** Wall time of the measurement, and whether it stopped because everything was conclusive. */
  measureMs: number;
  stopped: MetricsResult['sequential']['stopped'];
  rounds: number;
}

/** How to run one trial. */
export interface TrialOptions {
  config: MetricsConfig;
  rate: number;
  blockMs: number;
  maxDurationMs: number;
  extraMs: number;
  seed: number;
}

/** Run one trial: baseline vs a candidate `extraMs` slower. */
export async function runTrial(o: TrialOptions): Promise<TrialResult> {
  const baseline = await startDelayServer(0, o.seed * 2 + 1);
  const candidate = await startDelayServer(o.extraMs, o.seed * 2 + 2).catch(async (error) => {
    await baseline.stop();
    throw error;
  });
  const dispatcher = createProbeDispatcher(o.config.max_in_flight);
  try {
    const maxRounds = Math.max(
      o.config.min_blocks,
      Math.floor(o.maxDurationMs / (2 * o.blockMs)) - o.config.warmup,
    );
    const look: LookSettings = {
      paths: [BENCH_PATH],
      thresholds: thresholdsOf(o.config),
      alpha: 1 - confidenceOf(o.config),
      perBlock: (o.rate * o.blockMs) / 1000,
      maxRounds,
      minRounds: o.config.min_blocks,
    };
    const main = await measureSequentially(
      {
        paths: [BENCH_PATH],
        urls: { baseline: baseline.url, candidate: candidate.url },
        scope: () => benchScope(),
        rate: o.rate,
        blockMs: o.blockMs,
        warmup: o.config.warmup,
        budgetMs: o.maxDurationMs,
        maxRounds,
        maxInFlight: o.config.max_in_flight,
        stepTimeout: '10s',
        dispatcher,
        signal: new AbortController().signal,
      },
      look,
      [],
    );
    const comparisons = compareSoFar(main.measured.samples, look, true);
    const result = buildMetricsResult({
      config: o.config,
      paths: [BENCH_PATH],
      baseline: { kind: 'git', ref: 'baseline', commit: '0'.repeat(40), repoRoot: '' },
      measured: main.measured,
      recorded: null,
      comparisons,
      sequential: main.summary,
      rate: o.rate,
      blockMs: o.blockMs,
      maxDurationMs: o.maxDurationMs,
      ref: 'baseline',
    });
    const outcome = decideMetricsOutcome(result);
    const p95 = comparisons.find((c) => c.metric === 'p95' && c.step === null) as MetricComparison;
    const blocking = comparisons.filter((c) => c.blocking);
    const crossing = comparisons.filter(
      (c) =>
        c.verdict === 'unchanged' &&
        c.interval !== null &&
        (c.interval[0] <= -(c.threshold ?? 1e9) || c.interval[1] >= (c.threshold ?? 1e9)),
    );
    return {
      status: outcome.status,
      p95,
      regressed: blocking.filter((c) => c.verdict === 'regressed').map((c) => c.metric),
      unchangedCrossing: crossing.length,
      measureMs: main.measured.elapsedMs,
      stopped: result.sequential.stopped,
      rounds: result.sequential.rounds,
    };
  } finally {
    await dispatcher.close();
    await Promise.all([baseline.stop(), candidate.stop()]);
  }
}
