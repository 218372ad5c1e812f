/**
 * The store over any `Db`: the same queries for SQLite and PostgreSQL.
 */
import { gunzipSync } from 'node:zlib';
import type { RunResult } from '../run/result.js';
import type { Db, SqlParam } from './db.js';
import { currentVersion } from './migrations.js';
import type { PathTrendPoint, RecordInput, RunQuery, RunStore, RunSummary, StoredRun } from './types.js';
import { StoreError } from './types.js';
import { insertRun } from './write.js';

const SUMMARY_COLUMNS = `run_id, service, version, git_ref, git_commit, plan_file, plan_hash, verdict, exit_code,
  reason, started_at, finished_at, duration_ms, who`;

const DEFAULT_LIMIT = 100;

/** A `RunStore` on a migrated `Db`. */
export function createRunStore(db: Db, location: string): RunStore {
  return {
    kind: db.dialect,
    location,
    async recordRun(input: RecordInput) {
      await wrap('STORE_WRITE_FAILED', `could not record run ${input.result.run_id}`, () =>
        db.transaction((tx) => insertRun(tx, input)),
      );
    },
    listRuns: (query = {}) =>
      wrap('STORE_READ_FAILED', 'could not list runs', async () => {
        const { where, params } = serviceFilter(query);
        const rows = await db.all<RunSummary>(
          `SELECT ${SUMMARY_COLUMNS} FROM preflight_runs ${where} ORDER BY started_at DESC, run_id DESC LIMIT ?`,
          [...params, limitOf(query)],
        );
        return rows.map(toSummary);
      }),
    getRun: (runId: string) =>
      wrap('STORE_READ_FAILED', `could not read run ${runId}`, async () => {
        const rows = await db.all<
          RunSummary & {
            result_json: string;
            result_gzip: Uint8Array | null;
            record_md: string | null;
            logs_excerpt: string | null;
          }
        >(
          `SELECT ${SUMMARY_COLUMNS}, result_json, result_gzip, record_md, logs_excerpt FROM preflight_runs WHERE run_id = ?`,
          [runId],
        );
        const row = rows[0];
        if (!row) return null;
        const json = row.result_gzip ? gunzipSync(row.result_gzip).toString('utf8') : row.result_json;
        const run: StoredRun = {
          summary: toSummary(row),
          result: JSON.parse(json) as RunResult,
          record_md: row.record_md,
          logs_excerpt: row.logs_excerpt,
        };
        return run;
      }),
    trends: (query = {}) => wrap('STORE_READ_FAILED', 'could not read trends', () => readTrends(db, query)),
    services: () =>
      wrap('STORE_READ_FAILED', 'could not list services', async () => {
        const rows = await db.all<{ service: string }>(
          'SELECT DISTINCT service FROM preflight_runs ORDER BY service',
        );
        return rows.map((r) => r.service);
      }),
    schemaVersion: () => currentVersion(db),
    close: () => db.close(),
  };
}

async function readTrends(db: Db, query: RunQuery): Promise<PathTrendPoint[]> {
  const { where, params } = serviceFilter(query);
  const rows = await db.all<PathTrendPoint>(
    `SELECT r.run_id, r.started_at, r.version, r.git_ref, r.verdict, s.path, s.owner, s.status, s.source,
            s.samples, s.p50_ms, s.p95_ms, s.error_pct
       FROM (SELECT run_id, started_at, version, git_ref, verdict FROM preflight_runs ${where}
             ORDER BY started_at DESC, run_id DESC LIMIT ?) r
       JOIN preflight_path_stats s ON s.run_id = r.run_id
      ORDER BY r.started_at, r.run_id, s.path`,
    [...params, limitOf(query)],
  );
  return rows.map((r) => ({
    ...r,
    samples: Number(r.samples),
    p50_ms: r.p50_ms === null ? null : Number(r.p50_ms),
    p95_ms: r.p95_ms === null ? null : Number(r.p95_ms),
    error_pct: Number(r.error_pct),
  }));
}

function serviceFilter(query: RunQuery): { where: string; params: SqlParam[] } {
  return query.service ? { where: 'WHERE service = ?', params: [query.service] } : { where: '', params: [] };
}

function limitOf(query: RunQuery): number {
  const limit = query.limit ?? DEFAULT_LIMIT;
  return Number.isInteger(limit) && limit > 0 ? Math.min(limit, 10_000) : DEFAULT_LIMIT;
}

function toSummary(row: RunSummary): RunSummary {
  return {
    run_id: row.run_id,
    service: row.service,
    version: row.version,
    git_ref: row.git_ref,
    git_commit: row.git_commit,
    plan_file: row.plan_file,
    plan_hash: row.plan_hash,
    verdict: row.verdict,
    exit_code: Number(row.exit_code),
    reason: row.reason,
    started_at: row.started_at,
    finished_at: row.finished_at,
    duration_ms: Number(row.duration_ms),
    who: row.who,
  };
}

async function wrap<T>(code: StoreError['code'], what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(code, `${what}: ${(error as Error).message}`, { cause: error });
  }
}
