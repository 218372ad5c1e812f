/**
 * A scratch database for the downgrade rehearsal, never the service's own: on PostgreSQL a
 * database created next to the plan's (same server and credentials) and dropped after; on
 * SQLite (or without a PostgreSQL URL) a fresh file in the run directory.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { MigrationsError } from './baseline.js';

/** A scratch database: the URL for Alembic, and how to remove it. */
export interface ScratchDatabase {
  kind: 'postgresql' | 'sqlite';
  url: string;
  drop: () => Promise<void>;
}

/** Create the scratch database; `url` is the plan's database URL, if any. */
export async function createScratchDatabase(
  url: string | undefined,
  runDir: string,
): Promise<ScratchDatabase> {
  if (url && /^postgres(ql)?(\+\w+)?:\/\//.test(url)) return createPostgres(url);
  const file = path.join(runDir, `migrations-scratch-${randomBytes(4).toString('hex')}.db`);
  const drop = async (): Promise<void> => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
  };
  return { kind: 'sqlite', url: `sqlite:///${file}`, drop };
}

async function createPostgres(url: string): Promise<ScratchDatabase> {
  const name = `preflight_migrations_${randomBytes(5).toString('hex')}`;
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  await admin(url, `CREATE DATABASE ${name}`);
  return {
    kind: 'postgresql',
    url: scratch.toString(),
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Run one statement on the server's `postgres` database, with the plan URL's credentials. */
async function admin(url: string, sql: string): Promise<void> {
  const target = new URL(url.replace(/^postgres(ql)?\+\w+:/, 'postgresql:'));
  target.pathname = '/postgres';
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    const where = `${target.hostname}:${target.port || 5432}`;
    throw new MigrationsError(
      'MIGRATIONS_SCRATCH_FAILED',
      `could not ${sql.split(' ')[0]?.toLowerCase()} the scratch database on ${where} for the downgrade rehearsal: ${(error as Error).message}; the plan's database.url must be a server where that user may create databases (or set database.migrations.downgrade: false)`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}
