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
import { performance } from 'node:perf_hooks'; // faster than the global accessor (see h1-pool.ts)
import { setTimeout as sleep, setImmediate as yieldToIo } from 'node:timers/promises';
import type { PathRecord } from './recorder.js';
import { IterationRunner, type RunnerOptions } from './runner.js';

/** Progress of a probe, for a progress bar. */
export interface ProbeProgress {
  elapsedMs: number;
  durationMs: number;
  iterations: number;
  errors: number;
  inFlight: number;
}

/** How to run the probe. */
export interface ProbeOptions extends RunnerOptions {
  /** Iterations per second, for each path. */
  rate: number;
  durationMs: number;
  /** Stop starting iterations once this many requests were sent. */
  maxRequests?: number;
  maxInFlight: number;
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

/** Launches at least this far apart get their last stretch waited out precisely (see below). */
const PRECISE_INTERVAL_MS = 10;

/**
 * Wait until `next` (at most 50 ms, so that progress and cancellation are seen). Latency counts
 * from the intended start, so a late launch shows as latency, and timers fire up to about a
 * millisecond late. When launches are sparse (`interval` >= 10 ms, e.g. 50/s) the timer wakes
 * about a millisecond early and the rest is waited out by yielding to the event loop (I/O goes
 * on): at most a tenth of a core or so, for launches on time. Dense launches do without.
 */
async function waitForLaunch(next: number, interval: number, signal: AbortSignal): Promise<void> {
  const wait = next - performance.now();
  if (interval < PRECISE_INTERVAL_MS) await sleep(Math.max(1, Math.min(wait, 50)));
  else if (wait >= 2) await sleep(Math.min(wait - 1, 50));
  else while (performance.now() < next && !signal.aborted) await yieldToIo();
}

/** Run the probe; resolves when every started iteration ended. Never throws. */
export async function runProbe(o: ProbeOptions): Promise<ProbeResult> {
  const runner = new IterationRunner(o);
  // Cancellation: one listener for the whole probe (the sender's), plus the callers'.
  setMaxListeners(64, o.signal);
  const running = new Set<Promise<void>>();
  const t0 = performance.now();
  const per = 1000 / o.rate;
  const count = runner.counts;
  let k = 0;
  let lastProgress = t0;
  const launch = (index: number): void => {
    const pathIndex = index % o.paths.length;
    if (running.size >= o.maxInFlight) {
      (runner.records[pathIndex] as PathRecord).dropped++;
      return;
    }
    const intended = t0 + Math.floor(index / o.paths.length) * per;
    const task = runner.run(pathIndex, intended, index).finally(() => running.delete(task));
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
    await waitForLaunch(t0 + Math.floor(k / o.paths.length) * per, per, o.signal);
  }
  const scheduledMs = Math.min(o.durationMs, performance.now() - t0);
  while (running.size > 0) await Promise.all([...running]);
  runner.close();
  return { records: runner.records, elapsedMs: performance.now() - t0, scheduledMs };
}
