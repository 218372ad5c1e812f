/**
 * The PostgreSQL store (node-postgres, a small pool), for a team that shares its history.
 * Each run is recorded in one transaction; migrations take an advisory lock.
 */
import type pg from 'pg';
import { type Db, numberPlaceholders, type SqlParam } from './db.js';
import { type Migration, migrate } from './migrations.js';
import { createRunStore } from './store.js';
import { type RunStore, StoreError } from './types.js';

/** Open and migrate the PostgreSQL store at `url` (`postgres://user@host:port/db`). */
export async function openPostgresStore(url: string, migrations?: Migration[]): Promise<RunStore> {
  const db = await openPostgresDb(url);
  try {
    await migrate(db, migrations);
  } catch (error) {
    await db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `could not open the history store ${maskPassword(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return createRunStore(db, maskPassword(url));
}

/** A `Db` on a PostgreSQL pool, not yet migrated. */
export async function openPostgresDb(url: string): Promise<Db> {
  let driver: typeof pg;
  try {
    driver = (await import('pg')).default;
  } catch (error) {
    throw new StoreError(
      'STORE_DRIVER_MISSING',
      `the PostgreSQL driver (pg) could not be loaded: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const pool = new driver.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection must not crash preflight; the next query reports it.
  pool.on('error', () => {});
  return poolDb(pool);
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`. */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

function poolDb(pool: pg.Pool): Db {
  return {
    dialect: 'postgres',
    async all<T>(sql: string, params: SqlParam[] = []) {
      const res = await pool.query(numberPlaceholders(sql), params);
      return res.rows as T[];
    },
    async run(sql: string, params: SqlParam[] = []) {
      await pool.query(numberPlaceholders(sql), params);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn(clientDb(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

function clientDb(client: pg.PoolClient): Db {
  const db: Db = {
    dialect: 'postgres',
    async all<T>(sql: string, params: SqlParam[] = []) {
      return (await client.query(numberPlaceholders(sql), params)).rows as T[];
    },
    async run(sql: string, params: SqlParam[] = []) {
      await client.query(numberPlaceholders(sql), params);
    },
    transaction: (fn) => fn(db),
    close: async () => {},
  };
  return db;
}
