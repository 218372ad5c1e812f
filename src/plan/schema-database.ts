/**
 * The plan's `database` section: query capture on the critical paths, plan review, N+1,
 * realistic data, and (in `migrations`) migration safety.
 *
 *     database: { url: "{{ env.DATABASE_URL }}", realistic: { orders: 100000 }, migrations: alembic }
 *
 * With the section present the `database` check captures every statement the critical
 * paths cause and reviews their plans, unless `capture: false`.
 */
import { z } from 'zod';
import { durationSpec } from './schema-duration.js';
import { GateKeys } from './schema-gate.js';
import { MigrationsSpec } from './schema-migrations.js';

export const DatabaseSpec = z.strictObject({
  ...GateKeys,
  url: z.string().min(1).describe('the database the service uses (postgresql://… or sqlite:///…); templated'),
  migrations: MigrationsSpec.optional().describe(
    'migration safety: lint and rehearse migrations new since the baseline',
  ),
  capture: z
    .boolean()
    .default(true)
    .describe("run the `database` check: capture the critical paths' statements and review their plans"),
  blocking: z.boolean().default(true).describe('a finding of severity error makes the run NO-GO'),
  analyze: z
    .boolean()
    .default(false)
    .describe('PostgreSQL: EXPLAIN ANALYZE (runs each statement, inside a rolled-back transaction)'),
  seq_scan_rows: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('a sequential scan of a table with at least this many rows is a finding'),
  n_plus_one: z
    .number()
    .int()
    .min(2)
    .default(5)
    .describe('this many statements of one shape in one step is an N+1 finding'),
  realistic: z
    .record(z.string().min(1), z.number().int().nonnegative())
    .optional()
    .describe('minimum rows per table, checked before the review: { orders: 100000 }'),
  realistic_shortfall: z
    .enum(['fail', 'warn'])
    .default('fail')
    .describe(
      'fail (the only value now): a table below its `realistic` minimum means the review covered less than asked; fill a scratch database with `seed`',
    ),
  seed: z
    .union([
      z.string().min(1),
      z.strictObject({
        run: z.string().min(1),
        timeout: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/)
          .default('5m'),
        env: z
          .record(z.string(), z.string())
          .optional()
          .describe(
            'variables of the seed command and of the check\'s service, e.g. { POSTGRES_DB: "{scratch_name}" } for an app that builds its URL from parts; {scratch_url} and {scratch_name} are the scratch database\'s URL and name (file on SQLite)',
          ),
      }),
    ])
    .optional()
    .describe(
      "a command that fills the database to the `realistic` volumes; it runs against a scratch database preflight creates next to database.url (a copy of the file on SQLite), which the check's service then uses, and which is dropped after; its URL is in DATABASE_URL and PREFLIGHT_DATABASE_URL",
    ),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      "the JSON result (--json) of an earlier run, e.g. the release before: each shape's plan is compared",
    ),
  paths: z.array(z.string().min(1)).optional().describe('the critical paths to review (default: all)'),
  timeout: durationSpec().default('5m').describe('the whole check'),
});

export type DatabaseConfig = z.output<typeof DatabaseSpec>;

/** The object form of `database.seed`. */
export function seedSettings(seed: NonNullable<DatabaseConfig['seed']>): {
  run: string;
  timeout: string;
  env?: Record<string, string> | undefined;
} {
  return typeof seed === 'string' ? { run: seed, timeout: '5m' } : seed;
}
