/**
 * Writing a run into the store: the run row, its checks, steps, per-path trend numbers and
 * metrics summaries, all inside the caller's transaction.
 */
import { userInfo } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { RunResult } from '../run/result.js';
import type { Db, SqlParam } from './db.js';
import { pathStats } from './path-stats.js';
import type { RecordInput } from './types.js';

const CHILD_TABLES = ['preflight_metrics', 'preflight_path_stats', 'preflight_steps', 'preflight_checks'];

/** Insert (or replace) one run and everything that belongs to it. Call inside a transaction. */
export async function insertRun(tx: Db, input: RecordInput): Promise<void> {
  const { result } = input;
  for (const table of [...CHILD_TABLES, 'preflight_runs'])
    await tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [result.run_id]);
  await tx.run(
    `INSERT INTO preflight_runs (run_id, service, version, git_ref, git_commit, plan_file, plan_hash, verdict,
      exit_code, reason, started_at, finished_at, duration_ms, who, recorded_at, result_json, result_gzip, record_md,
      logs_excerpt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      result.run_id,
      result.service.name,
      result.service.version,
      result.git?.branch ?? result.git?.describe ?? null,
      result.git?.commit ?? null,
      result.plan.file,
      result.plan.hash,
      result.verdict,
      result.exit_code,
      result.reason,
      result.started_at,
      result.finished_at,
      result.duration_ms,
      input.who === undefined ? whoRan() : input.who,
      new Date().toISOString(),
      // Kept compressed (result_gzip); result_json stays for stores written before version 3.
      '',
      gzipSync(input.result_json ?? JSON.stringify(result), { level: 1 }),
      input.record_md ?? null,
      input.logs_excerpt ?? null,
    ],
  );
  await insertChecks(tx, result);
  await insertSteps(tx, result);
  await insertPathStats(tx, result.run_id, result);
  await insertMetrics(tx, result);
}

/** Insert the per-path trend numbers of a run. */
export async function insertPathStats(tx: Db, runId: string, result: RunResult): Promise<void> {
  await insertRows(
    tx,
    'preflight_path_stats (run_id, path, owner, status, source, samples, p50_ms, p95_ms, error_pct)',
    pathStats(result).map((s) => [
      runId,
      s.path,
      s.owner,
      s.status,
      s.source,
      s.samples,
      s.p50_ms,
      s.p95_ms,
      s.error_pct,
    ]),
    ' ON CONFLICT DO NOTHING',
  );
}

/** Who ran preflight: `PREFLIGHT_USER`, else the CI's actor, else the login name. */
export function whoRan(env: NodeJS.ProcessEnv = process.env): string | null {
  const named = env.PREFLIGHT_USER || env.GITHUB_ACTOR || env.GITLAB_USER_LOGIN || env.USER;
  if (named) return named;
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

async function insertChecks(tx: Db, result: RunResult): Promise<void> {
  await insertRows(
    tx,
    'preflight_checks (run_id, position, check_id, kind, status, blocking, duration_ms, summary)',
    result.checks.map((c, i) => [
      result.run_id,
      i,
      c.id,
      c.kind,
      c.status,
      c.blocking ? 1 : 0,
      c.duration_ms,
      c.summary,
    ]),
  );
}

async function insertSteps(tx: Db, result: RunResult): Promise<void> {
  await insertRows(
    tx,
    'preflight_steps (run_id, path, position, step, status, duration_ms, ttfb_ms, attempts, flaky)',
    result.paths.flatMap((path) =>
      path.steps.map((s, i) => [
        result.run_id,
        path.name,
        i,
        s.name,
        s.status,
        s.duration_ms,
        s.ttfb_ms ?? null,
        s.attempts,
        s.flaky ? 1 : 0,
      ]),
    ),
  );
}

async function insertMetrics(tx: Db, result: RunResult): Promise<void> {
  await insertRows(
    tx,
    'preflight_metrics (run_id, path, metric, unit, before_value, after_value, change, verdict)',
    (result.metrics?.comparisons ?? []).map((m) => [
      result.run_id,
      m.path,
      m.metric,
      m.unit,
      m.before,
      m.after,
      m.change,
      m.verdict,
    ]),
    ' ON CONFLICT DO NOTHING',
  );
}

/** Bound values per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535). */
const MAX_PARAMS = 30_000;

/**
 * `rows` into `into` (`table (columns)`) with multi-row INSERTs, as few statements as the
 * placeholder limit allows: a run of 200 paths of 5 steps is 1 statement, not 1,000.
 */
export async function insertRows(tx: Db, into: string, rows: SqlParam[][], suffix = ''): Promise<void> {
  const width = rows[0]?.length ?? 0;
  if (width === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
  for (let at = 0; at < rows.length; at += perStatement) {
    const chunk = rows.slice(at, at + perStatement);
    await tx.run(
      `INSERT INTO ${into} VALUES ${new Array<string>(chunk.length).fill(tuple).join(', ')}${suffix}`,
      chunk.flat(),
    );
  }
}
