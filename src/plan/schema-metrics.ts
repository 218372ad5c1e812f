/**
 * The plan's `metrics` section: before/after load measurement of the critical paths,
 * baseline vs candidate, with regression thresholds.
 */
import { z } from 'zod';
import { durationSpec } from './schema-duration.js';
import { GateKeys } from './schema-gate.js';

const Duration = durationSpec();

const Percent = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*%$/)])
  .describe('a percentage, e.g. "10%" or 10');

/** `rate: 50/s`: iterations of each critical path started per second. */
export const RateSpec = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?\s*\/\s*(s|m)$/)])
  .describe('iterations per second of each critical path, e.g. "50/s" or "600/m"');

export const RegressionSpec = z.strictObject({
  p50: Percent.optional(),
  p95: Percent.optional(),
  p99: Percent.optional(),
  throughput: Percent.optional().describe('a drop of achieved rate beyond this is a regression'),
  errors: Percent.optional().describe('error rate increase, in percentage points'),
});

export const MetricsSpec = z.strictObject({
  ...GateKeys,
  baseline: z
    .string()
    .min(1)
    .default('last-tag')
    .describe('"last-tag", a git ref (tag, branch, commit), or a recorded JSON result file (*.json)'),
  max_duration: Duration.default('2m').describe(
    'the time budget of the measurement, both sides together: rounds of blocks go on until every blocking comparison is conclusive, or until this',
  ),
  duration: Duration.optional().describe('deprecated: the old name of max_duration'),
  confidence: Percent.default('99%').describe(
    'family-wise confidence over the blocking comparisons: a release that is not slower is flagged in at most 1 − this of runs',
  ),
  rate: RateSpec.default('100/s'),
  model: z
    .enum(['open', 'max-rate'])
    .optional()
    .describe(
      'open (default): iterations start at `rate`, latency from the intended start, for latency; ' +
        'max-rate: `vus` closed loops, each starting its next iteration when one ends, for throughput',
    ),
  engine: z
    .enum(['probe', 'k6'])
    .default('probe')
    .describe(
      'who sends the load: probe (default, built in) or k6 (the k6 binary: K6, else .tools/venv/bin/k6, else k6 on PATH), in `segments` processes',
    ),
  segments: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe(
      'engine k6: k6 processes per block, each running its --execution-segment of the load; their raw samples are merged exactly',
    ),
  vus: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('virtual users of the max-rate model (default 32)'),
  block: Duration.default('1s').describe(
    'length of one measurement block; sides alternate in rounds A B, B A, B A, A B … (Thue–Morse order)',
  ),
  warmup: z
    .number()
    .int()
    .min(0)
    .max(10)
    .default(1)
    .describe('rounds (a block of each side) discarded first'),
  min_blocks: z
    .number()
    .int()
    .min(2)
    .default(4)
    .describe('rounds (block pairs) measured before the measurement may stop'),
  paths: z.array(z.string().min(1)).optional().describe('critical paths to measure (default: all)'),
  setup: z
    .string()
    .min(1)
    .optional()
    .describe('command run in the baseline work tree (its plan directory) before it starts'),
  setup_timeout: Duration.default('5m'),
  max_in_flight: z.number().int().min(1).max(10_000).default(256),
  regression: RegressionSpec.default({ p50: 10, p95: 10, errors: 0.5 }),
  blocking: z.boolean().default(true),
  slo_blocking: z
    .boolean()
    .default(true)
    .describe('a broken critical_paths[].slo on the candidate fails the check (false: reported only)'),
});

/** The validated `metrics` section. */
export type MetricsConfig = z.output<typeof MetricsSpec>;

/** A percentage (`"10%"` or `10`) as a number of percent. */
export function toPercent(value: number | string): number {
  return typeof value === 'number' ? value : Number.parseFloat(value);
}

/** A rate (`"50/s"`, `"600/m"` or a number per second) as iterations per second. */
export function toRate(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/.exec(value);
  if (!m) throw new Error(`invalid rate ${value}`);
  return m[2] === 's' ? Number(m[1]) : Number(m[1]) / 60;
}
