/**
 * The plan's `database` section: query capture on the critical paths, plan review, N+1,
 * realistic data, and (in `migrations`) migration safety.
 *
 *     database: { url: "{{ env.DATABASE_URL }}", realistic: { orders: 100000 }, migrations: alembic }
 *
 * (Filled in by the query-review work.)
 */
import { z } from 'zod';
import { MigrationsSpec } from './schema-migrations.js';

export const DatabaseSpec = z.strictObject({
  url: z.string().min(1).describe('the database the service uses (postgresql://… or sqlite:///…); templated'),
  migrations: MigrationsSpec.optional().describe('migration safety: lint and rehearse migrations new since the baseline'),
});

export type DatabaseConfig = z.output<typeof DatabaseSpec>;
