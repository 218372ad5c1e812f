/**
 * The plan's `database.migrations` section: which migration tool the service uses and how
 * preflight lints and rehearses the migrations that are new since the baseline.
 *
 *     database: { url: "{{ env.DATABASE_URL }}", migrations: alembic }
 *     database:
 *       url: "{{ env.DATABASE_URL }}"
 *       migrations:
 *         baseline: v1.4.0
 *         waivers: [{ revision: "0002", rule: require-concurrent-index, reason: "orders is small", by: alice }]
 *
 * `alembic` alone means every default below.
 */
import { z } from 'zod';
import { GateKeys } from './schema-gate.js';

/** The lint rules of the `migrations` check (ids as they appear in findings and waivers). */
export const MIGRATION_RULES = [
  'require-concurrent-index',
  'adding-not-null-without-default',
  'setting-not-null',
  'changing-column-type',
  'dropping-column-in-use',
  'renaming-column-in-use',
  'dropping-table-in-use',
  'renaming-table-in-use',
  'constraint-without-not-valid',
  'missing-timeout',
  'no-downgrade',
  'downgrade-failed',
  'upgrade-failed',
] as const;

/** One accepted risk: the finding becomes a warning, and the waiver is in the launch record. */
export const MigrationWaiverSpec = z.strictObject({
  revision: z.string().min(1).describe('the Alembic revision id the waiver is for'),
  rule: z
    .enum(MIGRATION_RULES)
    .optional()
    .describe('the rule waived for that revision; every rule of it when absent'),
  reason: z.string().min(1).describe('why the risk is accepted (shown in the record)'),
  by: z.string().min(1).optional().describe('who accepted it (shown in the record)'),
});

const MigrationsObjectSpec = z.strictObject({
  ...GateKeys,
  tool: z.literal('alembic').default('alembic'),
  config: z.string().min(1).default('alembic.ini').describe('the alembic.ini, relative to the plan'),
  python: z
    .string()
    .min(1)
    .optional()
    .describe('the Python that runs Alembic (default: .venv/bin/python next to alembic.ini, else python3)'),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      'a git ref: revisions after its Alembic head are new (default: metrics.baseline, else last-tag)',
    ),
  dialect: z
    .enum(['postgresql', 'sqlite'])
    .default('postgresql')
    .describe('the dialect of the offline SQL that is linted'),
  url_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('DATABASE_URL')
    .describe("the variable Alembic's env.py reads the database URL from"),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
    .optional()
    .describe(
      'variables for Alembic, for an env.py that builds its URL from parts: { POSTGRES_DB: "{scratch_name}", POSTGRES_SERVER: "{scratch_host}" }; {scratch_url}, {scratch_name}, {scratch_host}, {scratch_port}, {scratch_user}, {scratch_password} are the scratch database\'s',
    ),
  downgrade: z
    .boolean()
    .default(true)
    .describe(
      'rehearse upgrade → downgrade → upgrade on a scratch database (after proving that env.py connects to it)',
    ),
  require_timeouts: z
    .boolean()
    .default(true)
    .describe('locking DDL needs SET lock_timeout and statement_timeout before it (PostgreSQL)'),
  waivers: z.array(MigrationWaiverSpec).default([]),
  blocking: z.boolean().default(true),
});

export const MigrationsSpec = z.union([
  z.literal('alembic').describe('Alembic, with alembic.ini next to the plan, and every default'),
  MigrationsObjectSpec,
]);

export type MigrationsConfig = z.output<typeof MigrationsSpec>;
export type MigrationsSettings = z.output<typeof MigrationsObjectSpec>;
export type MigrationWaiver = z.output<typeof MigrationWaiverSpec>;

/** The object form of the section, with every default filled in (`alembic` → defaults). */
export function migrationsSettings(config: MigrationsConfig): MigrationsSettings {
  return typeof config === 'string' ? MigrationsObjectSpec.parse({}) : config;
}
