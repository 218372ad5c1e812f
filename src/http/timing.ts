/**
 * Small helpers for measured times: rounding for results and wording for messages.
 */

/** Round a measured duration (ms) to 0.01 ms, as results carry it. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Milliseconds elapsed since `start` (a `performance.now()` reading), rounded. */
export function elapsedMs(start: number): number {
  return roundMs(performance.now() - start);
}

/** A duration in words for messages: `200 ms`, `5 s`, `1.5 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${roundMs(ms)} ms`;
  return `${Math.round(ms / 10) / 100} s`;
}
