/**
 * Interleaved, sequential measurement: short blocks, baseline and candidate alternating in
 * rounds of two, round after round until the caller's look says the question is settled or the
 * time budget would be overrun. Which side goes first in a round follows the Thue–Morse
 * sequence (A B, B A, B A, A B, B A, A B, A B, B A, …): a steady drift of the machine favours
 * neither side, and neither does a curved one over rounds of four, so pairs of rounds (A B B A,
 * B A A B) cancel both. The first `warmup` rounds are kept in the series but left out of the
 * comparison and of the histograms. Every block keeps its raw latencies (per path and step) for
 * the comparison, and what /proc says about the machine during it.
 */

import type { BlockPathValues, MetricsBlock } from '../checks/metrics/result.js';
import type { CriticalPath, Duration } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import type { ProbeDispatcher } from '../probe/dispatcher.js';
import { runMaxRate } from '../probe/max-rate.js';
import { type ProbeProgress, runProbe } from '../probe/probe.js';
import { createPathRecords, mergePathRecords, type PathRecord } from '../probe/recorder.js';
import type { PathSamples, SampleBlock } from '../stats/samples.js';
import type { BlockEngine } from './k6-engine.js';
import { startMachineReading } from './machine.js';

type Side = MetricsBlock['side'];

/** Virtual users of the max-rate model when the plan does not say. */
const DEFAULT_VUS = 32;

/** Progress of the measurement, for a progress line. */
export interface MeasureProgress extends ProbeProgress {
  block: number;
  side: Side;
  phase: MetricsBlock['phase'];
  /** Time since the measurement began, and its budget. */
  totalMs: number;
  budgetMs: number;
}

/** What was measured so far, for the look after a round. */
export interface MeasuredSoFar {
  samples: SampleBlock[];
  rounds: number;
  elapsedMs: number;
}

/** How to measure. */
export interface InterleaveOptions {
  paths: CriticalPath[];
  /** Base URL per side; a side without URL is not measured (a recorded baseline). */
  urls: Partial<Record<Side, string>>;
  scope: (side: Side, block: number, n: number) => TemplateScope;
  rate: number;
  /** open (default): constant arrival rate; max-rate: `vus` closed loops (for throughput). */
  model?: 'open' | 'max-rate';
  vus?: number;
  blockMs: number;
  /** Warm-up rounds. */
  warmup: number;
  /** No round is started that would likely end after this (ms since the start). */
  budgetMs: number;
  /** At most this many measured rounds. */
  maxRounds?: number;
  /** The look after each measured round: true ends the measurement. */
  afterRound?: (soFar: MeasuredSoFar) => boolean;
  phase?: MetricsBlock['phase'];
  /** Index of the first block (the contention phase continues the main phase's numbering). */
  firstIndex?: number;
  maxInFlight: number;
  /** Who sends the load (`metrics.engine: k6`); the built-in probe when absent. */
  engine?: BlockEngine;
  stepTimeout: Duration;
  dispatcher: ProbeDispatcher;
  signal: AbortSignal;
  onProgress?: (progress: MeasureProgress) => void;
}

/** The block series, the raw samples per measured block and, per side, the merged records. */
export interface InterleaveResult {
  blocks: MetricsBlock[];
  samples: SampleBlock[];
  records: Record<Side, PathRecord[]>;
  seconds: Record<Side, number>;
  rounds: number;
  elapsedMs: number;
  /** decided: the look ended it; budget: the next round would overrun; cancelled. */
  stopped: 'decided' | 'budget' | 'cancelled';
}

/** Whether the baseline goes second in measured round `r` (the Thue–Morse sequence: bit parity of r). */
export function candidateFirst(r: number): boolean {
  let bits = 0;
  for (let x = r; x > 0; x >>= 1) bits ^= x & 1;
  return bits === 1;
}

/** Run rounds until the look after one says stop, the budget would be overrun, or the signal aborts. */
export async function measureInterleaved(o: InterleaveOptions): Promise<InterleaveResult> {
  const sides = (['baseline', 'candidate'] as const).filter((s) => o.urls[s] !== undefined);
  const out: InterleaveResult = {
    blocks: [],
    samples: [],
    records: { baseline: createPathRecords(o.paths), candidate: createPathRecords(o.paths) },
    seconds: { baseline: 0, candidate: 0 },
    rounds: 0,
    elapsedMs: 0,
    stopped: 'budget',
  };
  const t0 = performance.now();
  let index = o.firstIndex ?? 0;
  for (let round = 0; ; round++) {
    const measured = round - o.warmup;
    if (o.signal.aborted) {
      out.stopped = 'cancelled';
      break;
    }
    if (measured >= (o.maxRounds ?? Number.POSITIVE_INFINITY)) break;
    const elapsed = performance.now() - t0;
    const perRound = round === 0 ? sides.length * o.blockMs : elapsed / round;
    if (elapsed + perRound > o.budgetMs && measured > 0) break;
    const order = measured >= 0 && candidateFirst(measured) ? [...sides].reverse() : sides;
    for (const side of order) {
      const block = await measureBlock(o, { side, round: measured, index: index++, t0 });
      if (o.signal.aborted) break;
      out.blocks.push(block.block);
      if (measured < 0) continue;
      out.samples.push(block.samples);
      mergePathRecords(out.records[side], block.records);
      out.seconds[side] += block.seconds;
    }
    if (o.signal.aborted) {
      out.stopped = 'cancelled';
      break;
    }
    if (measured < 0) continue;
    out.rounds = measured + 1;
    const soFar = { samples: out.samples, rounds: out.rounds, elapsedMs: performance.now() - t0 };
    if (o.afterRound?.(soFar)) {
      out.stopped = 'decided';
      break;
    }
  }
  out.elapsedMs = performance.now() - t0;
  return out;
}

interface BlockSpec {
  side: Side;
  round: number;
  index: number;
  t0: number;
}

async function measureBlock(
  o: InterleaveOptions,
  b: BlockSpec,
): Promise<{ block: MetricsBlock; samples: SampleBlock; records: PathRecord[]; seconds: number }> {
  const start = performance.now() - b.t0;
  const common = {
    paths: o.paths,
    baseUrl: o.urls[b.side] as string,
    scope: (n: number) => o.scope(b.side, b.index, n),
    durationMs: o.blockMs,
    stepTimeout: o.stepTimeout,
    dispatcher: o.dispatcher,
    signal: o.signal,
    keepSamples: b.round >= 0,
    ...(o.onProgress
      ? {
          onProgress: (p: ProbeProgress) =>
            o.onProgress?.({
              ...p,
              block: b.index,
              side: b.side,
              phase: o.phase ?? 'main',
              totalMs: performance.now() - b.t0,
              budgetMs: o.budgetMs,
            }),
        }
      : {}),
  };
  const machine = startMachineReading();
  const probe = o.engine
    ? await o.engine.runBlock({
        side: b.side,
        index: b.index,
        baseUrl: common.baseUrl,
        durationMs: o.blockMs,
        keepSamples: common.keepSamples,
        signal: o.signal,
      })
    : o.model === 'max-rate'
      ? await runMaxRate({ ...common, vus: o.vus ?? DEFAULT_VUS })
      : await runProbe({ ...common, rate: o.rate, maxInFlight: o.maxInFlight });
  const readings = machine.end();
  const seconds = probe.scheduledMs / 1000;
  const block: MetricsBlock = {
    index: b.index,
    side: b.side,
    warmup: b.round < 0,
    round: b.round,
    phase: o.phase ?? 'main',
    start_ms: Math.round(start),
    duration_ms: Math.round(probe.elapsedMs),
    ...(readings ? { machine: readings } : {}),
    paths: probe.records.map((r) => blockValues(r, seconds)),
  };
  const samples: SampleBlock = {
    side: b.side,
    round: b.round,
    paths: probe.records.map((r) => pathSamples(r, seconds)),
  };
  return { block, samples, records: probe.records, seconds };
}

function pathSamples(r: PathRecord, seconds: number): PathSamples {
  return {
    path: r.name,
    iterations: r.iterations,
    errors: r.errors,
    throughput: seconds > 0 ? r.iterations / seconds : 0,
    latencies: Float64Array.from(r.samples ?? []),
    steps: r.steps.map((s) => ({ step: s.name, latencies: Float64Array.from(s.samples ?? []) })),
  };
}

function blockValues(r: PathRecord, seconds: number): BlockPathValues {
  const ms = (p: number): number => Math.round(r.histogram.percentile(p) * 100) / 100;
  return {
    path: r.name,
    count: r.iterations,
    p50: ms(50),
    p95: ms(95),
    p99: ms(99),
    errors: r.iterations === 0 ? 0 : Math.round((r.errors / r.iterations) * 10_000) / 100,
    throughput: seconds > 0 ? Math.round((r.iterations / seconds) * 100) / 100 : 0,
    dropped: r.dropped,
  };
}
