/**
 * The plan's `database.migrations` section: which migration tool the service uses and how
 * preflight lints and rehearses the migrations that are new since the baseline.
 *
 *     database: { url: "{{ env.DATABASE_URL }}", migrations: alembic }
 *
 * (Filled in by the migration-safety work; `alembic` alone means the defaults.)
 */
import { z } from 'zod';

export const MigrationsSpec = z.union([
  z.literal('alembic').describe('Alembic, with alembic.ini next to the plan'),
  z.strictObject({
    tool: z.literal('alembic'),
  }),
]);

export type MigrationsConfig = z.output<typeof MigrationsSpec>;
