/**
 * Plan durations in milliseconds. Kept apart from schema.ts so that code which only runs a
 * validated plan does not load zod.
 */

/** The longest a Node timer waits: 2^31 - 1 ms; a longer setTimeout fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay for setTimeout: a computed one (6 × a command timeout) may exceed what a timer can wait. */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

/** A duration as the plan writes it: milliseconds, or a string such as `500ms`, `30s`, `2m`. */
export type Duration = number | string;

/** Convert a plan duration to milliseconds. */
export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`invalid duration ${duration}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}
