/**
 * Versioned migrations of the store's own schema. Each runs once, in order, inside the
 * transaction that records its version in `preflight_schema`; several processes opening
 * the store at once serialise on the write lock (SQLite) or an advisory lock (PostgreSQL).
 * A migration is never edited once released: a change is a new migration.
 */
import type { Db } from './db.js';
import { StoreError } from './types.js';
import { insertPathStats } from './write.js';

/** One step of the schema. `{real}` is the dialect's floating-point type, `{blob}` its bytes type. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Fills new tables from what earlier versions kept. */
  backfill?: (tx: Db) => Promise<void>;
}

/** Any number; the same for every preflight, so concurrent migrations wait for each other. */
const ADVISORY_LOCK = 7_140_523_911;

/** The store's schema, oldest first. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'runs, checks and steps',
    statements: [
      `CREATE TABLE preflight_runs (
        run_id TEXT PRIMARY KEY, service TEXT NOT NULL, version TEXT, git_ref TEXT, git_commit TEXT,
        plan_file TEXT NOT NULL, plan_hash TEXT NOT NULL, verdict TEXT NOT NULL, exit_code INTEGER NOT NULL,
        reason TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, duration_ms {real} NOT NULL,
        who TEXT, recorded_at TEXT NOT NULL, result_json TEXT NOT NULL, record_md TEXT, logs_excerpt TEXT)`,
      'CREATE INDEX preflight_runs_by_service ON preflight_runs (service, started_at)',
      `CREATE TABLE preflight_checks (
        run_id TEXT NOT NULL REFERENCES preflight_runs (run_id) ON DELETE CASCADE, position INTEGER NOT NULL,
        check_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, blocking INTEGER NOT NULL,
        duration_ms {real} NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (run_id, position))`,
      `CREATE TABLE preflight_steps (
        run_id TEXT NOT NULL REFERENCES preflight_runs (run_id) ON DELETE CASCADE, path TEXT NOT NULL,
        position INTEGER NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL, duration_ms {real} NOT NULL,
        ttfb_ms {real}, attempts INTEGER NOT NULL, flaky INTEGER NOT NULL, PRIMARY KEY (run_id, path, position))`,
    ],
  },
  {
    version: 2,
    name: 'per-path trend numbers and metrics summaries',
    statements: [
      `CREATE TABLE preflight_path_stats (
        run_id TEXT NOT NULL REFERENCES preflight_runs (run_id) ON DELETE CASCADE, path TEXT NOT NULL,
        owner TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL, samples INTEGER NOT NULL,
        p50_ms {real}, p95_ms {real}, error_pct {real} NOT NULL, PRIMARY KEY (run_id, path))`,
      `CREATE TABLE preflight_metrics (
        run_id TEXT NOT NULL REFERENCES preflight_runs (run_id) ON DELETE CASCADE, path TEXT NOT NULL,
        metric TEXT NOT NULL, unit TEXT NOT NULL, before_value {real}, after_value {real}, change {real},
        verdict TEXT NOT NULL, PRIMARY KEY (run_id, path, metric))`,
    ],
    backfill: backfillPathStats,
  },
  {
    version: 3,
    name: 'results kept gzip-compressed',
    // A run's result is mostly its steps' requests and responses: 590 KB of JSON for 1,000 steps,
    // 23 KB compressed, written (and checkpointed) in a fraction of the time.
    statements: ['ALTER TABLE preflight_runs ADD COLUMN result_gzip {blob}'],
  },
];

/** Bring the schema up to the last of `migrations`; returns the version it is at. */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.run(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK})`);
    await tx.run(
      'CREATE TABLE IF NOT EXISTS preflight_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const current = await currentVersion(tx);
    if (current > latest)
      throw new StoreError(
        'STORE_TOO_NEW',
        `the history store is at schema version ${current}, newer than this preflight knows (${latest}); upgrade preflight`,
      );
    for (const migration of migrations.filter((m) => m.version > current)) {
      for (const statement of migration.statements) await tx.run(dialectSql(statement, tx.dialect));
      await migration.backfill?.(tx);
      await tx.run('INSERT INTO preflight_schema (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
    return Math.max(current, latest);
  });
}

/** The version the schema is at (0: empty). */
export async function currentVersion(db: Db): Promise<number> {
  const rows = await db.all<{ version: number | null }>(
    'SELECT MAX(version) AS version FROM preflight_schema',
  );
  return Number(rows[0]?.version ?? 0);
}

function dialectSql(statement: string, dialect: Db['dialect']): string {
  return statement
    .replaceAll('{real}', dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL')
    .replaceAll('{blob}', dialect === 'postgres' ? 'BYTEA' : 'BLOB');
}

async function backfillPathStats(tx: Db): Promise<void> {
  // Version 2's backfill: every result is still plain JSON then.
  const rows = await tx.all<{ run_id: string; result_json: string }>(
    'SELECT run_id, result_json FROM preflight_runs',
  );
  for (const row of rows) await insertPathStats(tx, row.run_id, JSON.parse(row.result_json));
}
