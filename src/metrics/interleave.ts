/**
 * Interleaved measurement: short blocks, baseline and candidate alternating in
 * rounds of two, in the counterbalanced order A B, B A, A B, … (ABBA), so that drift
 * of the machine (other load, CPU frequency, JIT and cache warmth) hits both sides
 * alike: the two blocks of a round are compared as a pair, and a steady trend favours
 * neither side, because each side goes first in every other round. The first `warmup`
 * rounds are kept in the series but left out of the comparison and of the histograms.
 */

import type { CriticalPath, Duration } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import type { ProbeDispatcher } from '../probe/dispatcher.js';
import { runMaxRate } from '../probe/max-rate.js';
import { type ProbeProgress, runProbe } from '../probe/probe.js';
import { createPathRecords, mergePathRecords, type PathRecord } from '../probe/recorder.js';
import type { BlockPathValues, MetricsBlock } from '../result-metrics.js';

type Side = MetricsBlock['side'];

/** Virtual users of the max-rate model when the plan does not say. */
const DEFAULT_VUS = 32;

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
  /** Total blocks, both sides together. */
  blocks: number;
  warmup: number;
  maxInFlight: number;
  stepTimeout: Duration;
  dispatcher: ProbeDispatcher;
  signal: AbortSignal;
  onProgress?: (progress: { block: number; blocks: number; side: Side } & ProbeProgress) => void;
}

/** The block series and, per side, the merged records of its measured blocks. */
export interface InterleaveResult {
  blocks: MetricsBlock[];
  records: Record<Side, PathRecord[]>;
  seconds: Record<Side, number>;
}

/** How many blocks (both sides together) a measurement of `durationMs` takes: at least enough for the warm-up and `min_blocks` per side, always a whole number of rounds. */
export function countBlocks(
  config: { warmup: number; min_blocks: number },
  durationMs: number,
  blockMs: number,
  sides: number,
): number {
  return Math.max(
    sides * (config.warmup + config.min_blocks),
    sides * Math.round(durationMs / blockMs / sides),
  );
}

/** Run the blocks in turn; stops early (with what it has) when the signal aborts. */
export async function measureInterleaved(o: InterleaveOptions): Promise<InterleaveResult> {
  const sides = (['baseline', 'candidate'] as const).filter((s) => o.urls[s] !== undefined);
  const records = { baseline: createPathRecords(o.paths), candidate: createPathRecords(o.paths) };
  const seconds = { baseline: 0, candidate: 0 };
  const blocks: MetricsBlock[] = [];
  const t0 = performance.now();
  for (let i = 0; i < o.blocks && !o.signal.aborted; i++) {
    const round = Math.floor(i / sides.length);
    const side = sides[(i + round) % sides.length] as Side;
    const warmup = round < o.warmup;
    const start = performance.now() - t0;
    const common = {
      paths: o.paths,
      baseUrl: o.urls[side] as string,
      scope: (n: number) => o.scope(side, i, n),
      durationMs: o.blockMs,
      stepTimeout: o.stepTimeout,
      dispatcher: o.dispatcher,
      signal: o.signal,
      ...(o.onProgress
        ? { onProgress: (p: ProbeProgress) => o.onProgress?.({ ...p, block: i, blocks: o.blocks, side }) }
        : {}),
    };
    const probe =
      o.model === 'max-rate'
        ? await runMaxRate({ ...common, vus: o.vus ?? DEFAULT_VUS })
        : await runProbe({ ...common, rate: o.rate, maxInFlight: o.maxInFlight });
    if (o.signal.aborted) break;
    const secs = probe.scheduledMs / 1000;
    blocks.push({
      index: i,
      side,
      warmup,
      start_ms: Math.round(start),
      duration_ms: Math.round(probe.elapsedMs),
      paths: probe.records.map((r) => blockValues(r, secs)),
    });
    if (!warmup) {
      mergePathRecords(records[side], probe.records);
      seconds[side] += secs;
    }
  }
  return { blocks, records, seconds };
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
