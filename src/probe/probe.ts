/**
 * The open-model load probe. Iterations (one virtual user running a whole critical
 * path) are scheduled on a timeline at a constant arrival rate: iteration i of a
 * path is meant to start at t0 + i / rate, whether or not earlier ones finished.
 * Latency counts from that intended time, so a stalled service shows in the
 * percentiles instead of silently slowing the probe down (coordinated omission).
 * When more than `maxInFlight` iterations are running, new ones are dropped and
 * counted. The probe never prints; progress goes to a callback.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { CriticalPath, Duration } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import { runIteration } from './iteration.js';
import { createPathRecords, type PathRecord } from './recorder.js';

/** Progress of a probe, for a progress bar. */
export interface ProbeProgress {
  elapsedMs: number;
  durationMs: number;
  iterations: number;
  errors: number;
  inFlight: number;
}

/** How to run the probe. */
export interface ProbeOptions {
  paths: CriticalPath[];
  baseUrl: string;
  /** A fresh scope for one iteration (`n` counts iterations of this probe). */
  scope: (n: number) => TemplateScope;
  /** Iterations per second, for each path. */
  rate: number;
  durationMs: number;
  /** Stop starting iterations once this many requests were sent. */
  maxRequests?: number;
  maxInFlight: number;
  stepTimeout: Duration;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  onProgress?: (progress: ProbeProgress) => void;
}

/** What a probe measured. */
export interface ProbeResult {
  records: PathRecord[];
  /** Wall time from the first intended start to the end of the last iteration. */
  elapsedMs: number;
  /** Time over which iterations were started (the scheduled duration, or less if cut short). */
  scheduledMs: number;
}

/** Run the probe; resolves when every started iteration ended. Never throws. */
export async function runProbe(o: ProbeOptions): Promise<ProbeResult> {
  const records = createPathRecords(o.paths);
  // Every request in flight listens to the signal for cancellation.
  setMaxListeners(o.maxInFlight * 2 + 16, o.signal);
  const running = new Set<Promise<void>>();
  const count = { requests: 0, iterations: 0, errors: 0 };
  const t0 = performance.now();
  const per = 1000 / o.rate;
  let k = 0;
  let lastProgress = t0;
  const launch = (index: number): void => {
    const pathIndex = index % o.paths.length;
    const record = records[pathIndex] as PathRecord;
    if (running.size >= o.maxInFlight) {
      record.dropped++;
      return;
    }
    const intended = t0 + Math.floor(index / o.paths.length) * per;
    const task = iterate(o, pathIndex, record, intended, index, count).finally(() => running.delete(task));
    running.add(task);
  };
  while (!o.signal.aborted) {
    const now = performance.now();
    if (now - t0 >= o.durationMs || (o.maxRequests !== undefined && count.requests >= o.maxRequests)) break;
    while (t0 + Math.floor(k / o.paths.length) * per <= now) launch(k++);
    if (o.onProgress && now - lastProgress >= 250) {
      lastProgress = now;
      o.onProgress({ elapsedMs: now - t0, durationMs: o.durationMs, inFlight: running.size, ...count });
    }
    const wait = t0 + Math.floor(k / o.paths.length) * per - performance.now();
    await sleep(Math.max(1, Math.min(wait, 50)));
  }
  const scheduledMs = Math.min(o.durationMs, performance.now() - t0);
  while (running.size > 0) await Promise.all([...running]);
  return { records, elapsedMs: performance.now() - t0, scheduledMs };
}

async function iterate(
  o: ProbeOptions,
  pathIndex: number,
  record: PathRecord,
  intended: number,
  n: number,
  count: { requests: number; iterations: number; errors: number },
): Promise<void> {
  const path = o.paths[pathIndex] as CriticalPath;
  const recorder = {
    step: (i: number, ms: number, error: string | null): void => {
      count.requests++;
      record.requests++;
      const step = record.steps[i];
      step?.histogram.record(ms);
      if (error !== null && step) step.errors++;
    },
  };
  const outcome = await runIteration(
    {
      path,
      baseUrl: o.baseUrl,
      scope: o.scope(n),
      dispatcher: o.dispatcher,
      defaultTimeout: o.stepTimeout,
      signal: o.signal,
      intendedStart: intended,
    },
    recorder,
  );
  if ('cancelled' in outcome) return;
  record.iterations++;
  count.iterations++;
  record.histogram.record(outcome.ms);
  if (!outcome.ok) {
    record.errors++;
    count.errors++;
    record.firstError ??= outcome.error;
  }
}
