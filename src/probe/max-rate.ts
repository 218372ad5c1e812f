/**
 * The max-rate (closed) model, for throughput: `vus` virtual users, each starting its
 * next iteration as soon as its previous one ends, for a duration. It answers "how
 * many iterations per second can this service take", not "how slow is it at a given
 * rate": a closed loop waits for the service, so a stall delays the next requests
 * instead of showing in the percentiles (coordinated omission). Its latencies count
 * from each iteration's actual start and are only indicative. For latency, and for
 * every before/after comparison, use the open model (`runProbe`), the default.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks'; // faster than the global accessor (see h1-pool.ts)
import { createProbeDispatcher, type ProbeDispatcher } from './dispatcher.js';
import type { ProbeProgress, ProbeResult } from './probe.js';
import { IterationRunner, type RunnerOptions } from './runner.js';

/** How to run the probe at its maximum rate. */
export interface MaxRateOptions extends Omit<RunnerOptions, 'dispatcher'> {
  /** Virtual users (closed loops), and connections per origin. */
  vus: number;
  durationMs: number;
  /** Stop starting iterations once this many requests were sent. */
  maxRequests?: number;
  /** Default: `vus` keep-alive connections per origin, no pipelining (closed at the end). */
  dispatcher?: ProbeDispatcher;
  onProgress?: (progress: ProbeProgress) => void;
}

/** Run `vus` closed loops for the duration; resolves when every loop ended. Never throws. */
export async function runMaxRate(o: MaxRateOptions): Promise<ProbeResult> {
  const own = o.dispatcher ? null : createProbeDispatcher(o.vus);
  const dispatcher = o.dispatcher ?? (own as ProbeDispatcher);
  const runner = new IterationRunner({ ...o, dispatcher });
  setMaxListeners(64, o.signal);
  const t0 = performance.now();
  let stoppedAt = 0;
  let n = 0;
  const stop = (): void => {
    stoppedAt ||= performance.now();
  };
  // A timer ends the run, so that the loops do not read the clock between iterations.
  const timer = setTimeout(stop, o.durationMs);
  o.signal.addEventListener('abort', stop, { once: true });
  if (o.signal.aborted) stop();
  const more = (): boolean => {
    if (o.maxRequests !== undefined && runner.counts.requests >= o.maxRequests) stop();
    return stoppedAt === 0;
  };
  const loop = async (vu: number): Promise<void> => {
    for (let j = vu; more(); j++) await runner.run(j % o.paths.length, performance.now(), n++);
  };
  const progress = o.onProgress
    ? setInterval(() => {
        const elapsedMs = performance.now() - t0;
        o.onProgress?.({ elapsedMs, durationMs: o.durationMs, inFlight: o.vus, ...runner.counts });
      }, 250)
    : undefined;
  try {
    await Promise.all(Array.from({ length: o.vus }, (_, vu) => loop(vu)));
  } finally {
    clearTimeout(timer);
    clearInterval(progress);
    o.signal.removeEventListener('abort', stop);
    runner.close();
    await own?.close();
  }
  const scheduledMs = (stoppedAt || performance.now()) - t0;
  return { records: runner.records, elapsedMs: performance.now() - t0, scheduledMs };
}
