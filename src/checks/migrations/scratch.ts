/**
 * A scratch database for the downgrade rehearsal, never the service's own: on PostgreSQL a
 * database created next to the plan's (same server and credentials) and dropped after; on
 * SQLite (or without a PostgreSQL URL) a fresh file in the run directory.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createPostgresScratch, type ScratchFailure } from '../scratch-postgres.js';
import { MigrationsError } from './baseline.js';

/** A scratch database: the URL for Alembic, and how to remove it. */
export interface ScratchDatabase {
  kind: 'postgresql' | 'sqlite';
  url: string;
  /** The database's name, or the file's base name: safe to show (no credentials). */
  name: string;
  drop: () => Promise<void>;
}

/** Create the scratch database; `url` is the plan's database URL, if any. */
export async function createScratchDatabase(
  url: string | undefined,
  runDir: string,
): Promise<ScratchDatabase> {
  if (url && /^postgres(ql)?(\+\w+)?:\/\//.test(url)) {
    const created = await createPostgresScratch(url, 'preflight_migrations_', scratchFailed);
    return { kind: 'postgresql', ...created };
  }
  const file = path.join(runDir, `migrations-scratch-${randomBytes(4).toString('hex')}.db`);
  const drop = async (): Promise<void> => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
  };
  return { kind: 'sqlite', url: `sqlite:///${file}`, name: path.basename(file), drop };
}

/** The scratch PostgreSQL database could not be created or dropped. */
function scratchFailed({ verb, where, cause }: ScratchFailure): MigrationsError {
  return new MigrationsError(
    'MIGRATIONS_SCRATCH_FAILED',
    `could not ${verb} the scratch database on ${where} for the downgrade rehearsal: ${(cause as Error).message}; the plan's database.url must be a server where that user may create databases (or set database.migrations.downgrade: false)`,
    { cause },
  );
}
