/**
 * The plan's durations: milliseconds, or a string such as `500ms`, `30s`, `2m`; at most what a
 * timer can wait (Node fires a longer setTimeout after 1 ms, with only a warning).
 */
import { z } from 'zod';
import { MAX_TIMER_MS, toMs } from './duration.js';

/** A duration schema; each section that has durations uses this one. */
export function durationSpec() {
  // zod runs the refinement even when the union failed: then the union's error is the one to show.
  return z
    .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m)$/)])
    .refine((d) => !fitsDuration(d) || toMs(d) <= MAX_TIMER_MS, {
      message: `at most ${MAX_TIMER_MS} ms (24.8 days; "35791m"): a timer cannot wait longer`,
    })
    .describe('milliseconds, or a string such as "500ms", "30s", "2m"');
}

function fitsDuration(value: unknown): value is number | string {
  return (
    (typeof value === 'number' && value >= 0) ||
    (typeof value === 'string' && /^\d+(\.\d+)?\s*(ms|s|m)$/.test(value))
  );
}
