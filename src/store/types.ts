/**
 * The history store: every run kept, in a SQLite file by default or in PostgreSQL for a team.
 * The store is written by `preflight run` and read by `preflight history` and `preflight serve`.
 */
import type { StepStatus } from '../checks/paths/result.js';
import type { RunResult, Verdict } from '../run/result.js';

/** One line of the runs list. */
export interface RunSummary {
  run_id: string;
  service: string;
  version: string | null;
  /** The branch, else `git describe`, else null. */
  git_ref: string | null;
  git_commit: string | null;
  plan_file: string;
  plan_hash: string;
  verdict: Verdict;
  exit_code: number;
  reason: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  /** Who ran it: `PREFLIGHT_USER`, else the CI actor, else the login name. */
  who: string | null;
}

/** A recorded run: its summary, its whole (redacted) result, and what was kept beside it. */
export interface StoredRun {
  summary: RunSummary;
  result: RunResult;
  /** The Markdown launch record of the run, as `--record` would write it. */
  record_md: string | null;
  /** The last lines of the service's output during the run, redacted. */
  logs_excerpt: string | null;
}

/** What `recordRun` keeps: a redacted result and what goes with it. */
export interface RecordInput {
  result: RunResult;
  /** `result` as JSON, when the caller has it already (it is what the store keeps, compressed). */
  result_json?: string;
  record_md?: string | null;
  logs_excerpt?: string | null;
  who?: string | null;
}

/** One critical path in one run: the numbers its trend is drawn from. */
export interface PathTrendPoint {
  run_id: string;
  started_at: string;
  version: string | null;
  git_ref: string | null;
  verdict: Verdict;
  path: string;
  owner: string;
  status: StepStatus;
  /** `metrics` when the load probe measured the path, else `steps` (the step timings of the run). */
  source: 'steps' | 'metrics';
  samples: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Failed or errored samples, in % of the samples. */
  error_pct: number;
}

/** Which runs to list. */
export interface RunQuery {
  service?: string;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

/** Reads and writes the history. Every method is safe to call from several processes at once. */
export interface RunStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store is, for people (a PostgreSQL password is masked). */
  readonly location: string;
  /** Keep a run; one transaction, so a run is either wholly recorded or not at all. */
  recordRun(input: RecordInput): Promise<void>;
  /** Runs, newest first. */
  listRuns(query?: RunQuery): Promise<RunSummary[]>;
  /** One run, or null when there is no run with that id. */
  getRun(runId: string): Promise<StoredRun | null>;
  /** Per critical path and run, oldest first: p50/p95 and error rate of the last `limit` runs. */
  trends(query?: RunQuery): Promise<PathTrendPoint[]>;
  /** The services that have runs, by name. */
  services(): Promise<string[]>;
  /** The schema version of the store. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** Why the store could not be used. */
export type StoreErrorCode =
  | 'STORE_DRIVER_MISSING'
  | 'STORE_OPEN_FAILED'
  | 'STORE_TOO_NEW'
  | 'STORE_WRITE_FAILED'
  | 'STORE_READ_FAILED';

/** An error of the history store, with a stable code and a hint. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
