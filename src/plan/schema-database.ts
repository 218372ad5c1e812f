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
import { MigrationsSpec } from './schema-migrations.js';

export const DatabaseSpec = z.strictObject({
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
    .describe('a table below its `realistic` minimum fails the check, or only warns'),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      "the JSON result (--json) of an earlier run, e.g. the release before: each shape's plan is compared",
    ),
  paths: z.array(z.string().min(1)).optional().describe('the critical paths to review (default: all)'),
  timeout: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/)
    .default('5m')
    .describe('the whole check'),
});

export type DatabaseConfig = z.output<typeof DatabaseSpec>;
