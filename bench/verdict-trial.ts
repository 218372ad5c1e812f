/**
 * One bench:verdict trial: start a baseline and a candidate delay server (the candidate
 * `extraMs` slower on every request), measure them with the code path of `preflight
 * compare` (interleaved blocks, then the bootstrap comparison and the check's
 * decision), and stop both servers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { countBlocks, measureInterleaved } from '../src/metrics/interleave.js';
import { decideMetricsOutcome } from '../src/metrics/judge.js';
import { buildMetricsResult } from '../src/metrics/result.js';
import { type CriticalPath, CriticalPathSpec } from '../src/plan/schema.js';
import type { MetricsConfig } from '../src/plan/schema-metrics.js';
import type { TemplateScope } from '../src/plan/template.js';
import { Redactor } from '../src/report/redact.js';
import type { MetricComparison } from '../src/result-metrics.js';
import { ManagedProcess } from '../src/run/process.js';

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

/** The one critical path measured: a GET that must answer 200. */
export const BENCH_PATH: CriticalPath = CriticalPathSpec.parse({
  name: 'item',
  owner: 'bench',
  expect: 'answers',
  rollback: 'none',
  steps: [{ name: 'get', request: { url: '/item' }, expect: { status: 200 } }],
});

function scope(): TemplateScope {
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
  /** The check failed (a blocking metric regressed). */
  failed: boolean;
  p95: MetricComparison;
  /** Wall time of the interleaved measurement (both sides). */
  measureMs: number;
  /** Comparisons that regressed. */
  regressed: string[];
}

/** How to run one trial. */
export interface TrialOptions {
  config: MetricsConfig;
  durationMs: number;
  blockMs: number;
  rate: number;
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
  const agent = new Agent({ connections: o.config.max_in_flight, keepAliveTimeout: 10_000 });
  try {
    const started = performance.now();
    const measured = await measureInterleaved({
      paths: [BENCH_PATH],
      urls: { baseline: baseline.url, candidate: candidate.url },
      scope,
      rate: o.rate,
      blockMs: o.blockMs,
      blocks: countBlocks(o.config, o.durationMs, o.blockMs, 2),
      warmup: o.config.warmup,
      maxInFlight: o.config.max_in_flight,
      stepTimeout: '10s',
      dispatcher: agent,
      signal: new AbortController().signal,
    });
    const measureMs = performance.now() - started;
    const result = buildMetricsResult({
      config: o.config,
      paths: [BENCH_PATH],
      baseline: { kind: 'git', ref: 'baseline', commit: '0'.repeat(40), repoRoot: '' },
      measured,
      recorded: null,
      rate: o.rate,
      blockMs: o.blockMs,
      durationMs: o.durationMs,
      ref: 'baseline',
    });
    const outcome = decideMetricsOutcome(result);
    const p95 = result.comparisons.find((c) => c.metric === 'p95') as MetricComparison;
    const regressed = result.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.metric);
    return { failed: outcome.status === 'fail', p95, measureMs, regressed };
  } finally {
    await agent.close();
    await Promise.all([baseline.stop(), candidate.stop()]);
  }
}
