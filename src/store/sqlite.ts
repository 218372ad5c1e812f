/**
 * The SQLite store (better-sqlite3): one file, WAL mode, `synchronous=FULL`, so a commit is on
 * disk before `recordRun` returns and a process killed mid-write loses only its own
 * uncommitted run. Concurrent writers queue on SQLite's write lock (`busy_timeout`).
 */
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { makeDirSync } from '../plan/own-dir.js';
import { createMutex, type Db, type SqlParam } from './db.js';
import { type Migration, migrate } from './migrations.js';
import { createRunStore } from './store.js';
import { type RunStore, StoreError } from './types.js';

/** How long a writer waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/** Open (creating it and its folder if needed) and migrate the SQLite store at `file`. */
export async function openSqliteStore(file: string, migrations?: Migration[]): Promise<RunStore> {
  const db = await openSqliteDb(file);
  try {
    await migrate(db, migrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  return createRunStore(db, file);
}

/** A `Db` on a SQLite file, not yet migrated. */
export async function openSqliteDb(file: string): Promise<Db> {
  const Driver = await loadDriver();
  let conn: Database.Database;
  try {
    if (file !== ':memory:') makeDirSync(dirname(file));
    conn = new Driver(file, { timeout: BUSY_TIMEOUT_MS });
    await useWal(conn);
    conn.pragma('synchronous = FULL');
    conn.pragma('foreign_keys = ON');
  } catch (error) {
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `could not open the history store ${file}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return sqliteDb(conn);
}

/**
 * WAL mode, once per file. Two processes opening a new history at once race for it, and
 * SQLite answers SQLITE_BUSY at once there (its busy handler is not asked while the journal
 * mode changes), so a busy answer is retried, with jitter, up to the busy timeout.
 */
async function useWal(conn: Database.Database): Promise<void> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (conn.pragma('journal_mode', { simple: true }) !== 'wal') conn.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      await delay(10 + Math.floor(Math.random() * 40));
    }
  }
}

async function loadDriver(): Promise<typeof Database> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (error) {
    throw new StoreError(
      'STORE_DRIVER_MISSING',
      `the SQLite driver (better-sqlite3) could not be loaded: ${(error as Error).message}; ` +
        'run `npm rebuild better-sqlite3` (it compiles with node-gyp), or use --store postgres://… or --no-store',
      { cause: error },
    );
  }
}

function sqliteDb(conn: Database.Database): Db {
  const exclusive = createMutex();
  // A run is recorded with one statement per step: each SQL text is compiled once.
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = conn.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const db: Db = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: SqlParam[] = []) {
      return prepared(sql).all(...params) as T[];
    },
    async run(sql: string, params: SqlParam[] = []) {
      prepared(sql).run(...params);
    },
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return exclusive(async () => {
        conn.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(db);
          conn.exec('COMMIT');
          return value;
        } catch (error) {
          if (conn.inTransaction) conn.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async close() {
      if (conn.open) conn.close();
    },
  };
  return db;
}
