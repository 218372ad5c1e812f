/**
 * Result types: what checks return and reporters show. The JSON result (`--json`)
 * is a serialised `RunResult`; its JSON Schema is in `schema/result.schema.json`.
 */

import type { ContractResult } from './checks/contract/result.js';
import type { DatabaseReview } from './checks/database/result.js';
import type { MetricsResult } from './checks/metrics/result.js';
import type { MigrationsResult } from './checks/migrations/result.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';
export type StepStatus = 'pass' | 'fail' | 'error' | 'skip';
export type Verdict = 'go' | 'no-go';

/** Where a plan node came from. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

/** A problem found by a check in the user's code (a lint finding, a failed test). */
export interface Finding {
  rule: string;
  message: string;
  severity: 'error' | 'warning';
  file?: string;
  line?: number;
  column?: number;
  /** The category of the finding where the rule alone does not say it, e.g. `cache-leak`. */
  kind?: string;
  /** The lines the finding is about (a log excerpt), redacted. */
  excerpt?: string;
  /** When a log event was written (its own timestamp or the nearest line's), ISO 8601. */
  logged_at?: string;
  /** The log lines just before a traceback (the record it was printed under), redacted. */
  log_context?: string[];
}

/** One command that a check ran. */
export interface CommandRun {
  command: string;
  cwd: string;
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
  timed_out: boolean;
  /** The last lines of stdout+stderr, redacted. */
  output_tail: string;
}

/** An error that kept something from running (as opposed to an assertion that failed). */
export interface RunError {
  code: string;
  message: string;
}

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

/** One thing a check examined, against what the plan asked for. */
export interface CoverageItem {
  /** What was counted, in words: `steps captured`, `paths measured`, `tables at realistic volume`, `comparisons conclusive`. */
  what: string;
  covered: number;
  asked: number;
  /** Why not everything was covered, when it was not (e.g. the paths that failed). */
  detail?: string;
}

/**
 * The error code of a blocking check that ran but covered less than the plan asked: the
 * verdict is NO-GO (exit 1), not "could not run" (exit 3). Every other error code of a
 * blocking check means preflight could not run it.
 */
export const INCOMPLETE_COVERAGE = 'INCOMPLETE_COVERAGE';

export interface CheckResult {
  id: string;
  kind: string;
  status: CheckStatus;
  blocking: boolean;
  duration_ms: number;
  summary: string;
  command?: CommandRun;
  findings?: Finding[];
  tests?: TestCounts;
  error?: RunError;
  skip_reason?: string;
  /** Set on a skipped check when the plan allows the skip (`optional: true` or a `when` that did not hold). */
  skip_allowed?: boolean;
  /** What the check examined against what the plan asked (absent: the check does not review a quantity). */
  coverage?: CoverageItem[];
  /** What the `cache` check saw per path: headers and hit/miss of each request. */
  cache?: CacheObservation[];
  /** The phases of a staging rehearsal (deploy, paths, rollback, paths, redeploy, paths). */
  phases?: PhaseResult[];
  /** Which release staging was on before the rehearsal and is on now. */
  staging?: StagingOutcome;
  /** What the `database` check captured per step, the plan of each statement shape, findings. */
  database?: DatabaseReview;
  /** What the `migrations` check found: new revisions, their SQL, findings, waivers, rehearsal. */
  migrations?: MigrationsResult;
  /** What the `contract` check found: each Schemathesis failure with its curl reproduction. */
  contract?: ContractResult;
}

/** The critical paths of a rehearsal phase, in short. */
export interface PhasePathResult {
  name: string;
  owner: string;
  status: StepStatus;
  duration_ms: number;
  /** The first step that failed, and why. */
  failed_step?: string;
  message?: string;
}

/** One phase of a staging rehearsal: a deploy, a rollback, or a run of the critical paths. */
export interface PhaseResult {
  /** `deploy`, `paths`, `rollback` or `redeploy`. */
  name: string;
  status: StepStatus;
  duration_ms: number;
  summary: string;
  /** The deploy or rollback command, with its exit code and duration. */
  command?: CommandRun;
  /** From the start of the command until staging's ready endpoint answered 2xx. */
  time_to_healthy_ms?: number;
  /** The release staging is on after this phase. */
  release?: string;
  paths?: PhasePathResult[];
}

/** Where a rehearsal left staging. */
export interface StagingOutcome {
  url: string;
  candidate: string;
  /** The release staging was on before the rehearsal (null: none; the baseline was deployed first). */
  release_before: string | null;
  /** The release staging is on now, as its `current` command says (null: unknown). */
  release_after: string | null;
  /** Whether staging was put back on the release it was on, after a phase failed. */
  restored: boolean;
  /** The deploy of the baseline, when staging had no release yet. */
  baseline?: PhaseResult;
  /** The restore command, run when a phase failed. */
  restore?: CommandRun;
  /** The stop command run at the end, if the plan has one. */
  stop?: CommandRun;
}

/** One request the `cache` check sent, as seen through the CDN. */
export interface CacheRequestObservation {
  /** Who asked: `anonymous`, `user A`, `user B`. */
  as: string;
  status: number;
  /** CDN status (`hit`, `miss`, `bypass`, `expired`, `stale`, `revalidated`, `dynamic`, `other`), null when no header said. */
  cdn: string | null;
  /** The value of the `Age` header, in seconds. */
  age: number | null;
}

/** One path of the `cache` section as the `cache` check saw it. */
export interface CacheObservation {
  path: string;
  /** public, private or static, as in the plan. */
  role: 'public' | 'private' | 'static';
  cache_control: string | null;
  vary: string | null;
  /** The header the CDN status was read from, e.g. `x-cache-status`; null when there was none. */
  cdn_header: string | null;
  requests: CacheRequestObservation[];
}

/** An assertion that did not hold: expected vs actual. */
export interface AssertionFailure {
  /** What was asserted, e.g. `status`, `json $.token`, `header content-type`, `max_ms`. */
  assertion: string;
  expected: unknown;
  actual: unknown;
  message: string;
  /** The named assertion (a step's `assertions` entry, or a script's test) this failure belongs to. */
  name?: string;
}

/** The outcome of one named assertion of a step: from the plan's `assertions`, or a kept script's test. */
export interface AssertionOutcome {
  name: string;
  /** `skip`: its `when`/`unless` condition kept it from applying. */
  status: 'pass' | 'fail' | 'skip';
  from: 'plan' | 'script';
  /** Why it failed (or was skipped), redacted. */
  message?: string;
}

export interface RequestExcerpt {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ResponseExcerpt {
  status: number;
  headers: Record<string, string>;
  /** The first bytes of the body (bounded), redacted. */
  body: string;
  /** The full body size in bytes, as received (bounded by the capture limit). */
  size: number;
  truncated: boolean;
}

export interface StepResult {
  name: string;
  status: StepStatus;
  duration_ms: number;
  /** Time to the response headers, of the last attempt. */
  ttfb_ms?: number;
  attempts: number;
  flaky: boolean;
  request?: RequestExcerpt;
  response?: ResponseExcerpt;
  failures?: AssertionFailure[];
  /** Each named assertion's outcome, in order (set when the step has named assertions or a script). */
  assertions?: AssertionOutcome[];
  error?: RunError;
  skip_reason?: string;
  source?: SourceRef;
  /** Set on the steps of a path's `teardown` list. */
  teardown?: boolean;
  /** When the step's first request was sent, ISO 8601 (set on steps that did not pass). */
  started_at?: string;
  /** The traceback in the logs that this step's request caused (linked after the run). */
  traceback?: StepTraceback;
}

/** A traceback linked to the step whose request caused it. */
export interface StepTraceback {
  /** The log source, e.g. `service`. */
  source: string;
  line?: number;
  /** The exception line, redacted. */
  exception: string;
  /** How it was linked: the response's request id appears in the log, or the step's time window. */
  by: 'request-id' | 'time';
}

export interface PathResult {
  name: string;
  owner: string;
  expect: string;
  rollback: string;
  status: StepStatus;
  flaky: boolean;
  duration_ms: number;
  steps: StepResult[];
  source?: SourceRef;
}

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  describe: string | null;
  last_tag: string | null;
  /** Uncommitted changes anywhere in the repository, untracked files included (preflight's own outputs are not). */
  dirty: boolean;
  /** The plan's directory, from the repository root (`.` at the root). */
  plan_dir: string;
  /** The uncommitted files of the repository (bounded), from its root. */
  uncommitted: string[];
  /** Files changed since the last tag under the plan's directory, committed or not, from the root. */
  files_touched: string[];
}

/** A preflight command line, from the plan's directory: `run --only paths`, `compare v1`. */
export interface Invocation {
  command: 'run' | 'rehearse' | 'compare';
  /** Arguments after `--plan FILE`, e.g. ["--only", "paths"] or ["v1.4.0", "--rate", "20/s"]. */
  args: string[];
}

export interface RunResult {
  schema_version: 1;
  tool: { name: 'preflight'; version: string };
  run_id: string;
  plan: { file: string; hash: string };
  service: { name: string; owner: string | null; version: string | null; url: string | null };
  git: GitInfo | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  verdict: Verdict;
  /** 0 GO, 1 NO-GO, 3 could not run. */
  exit_code: 0 | 1 | 3;
  reason: string;
  checks: CheckResult[];
  paths: PathResult[];
  assumptions: string[];
  /** Path of the service's captured output for this run, if it was started. */
  service_log?: string;
  record_file?: string;
  shard?: { index: number; total: number };
  /** The command that made this run, with the flags that shape it (for "How to repeat"). */
  invocation?: Invocation;
  /** The names (never the values) of the environment variables and secrets the plan reads. */
  needs?: { env: string[]; env_optional: string[]; secrets: string[] };
  /** Baseline vs candidate metrics (the `metrics` check), when measured. */
  metrics?: MetricsResult;
  /**
   * What preflight cleaned up, one sentence each: what a run that ended abruptly left (a baseline
   * worktree, the rehearsal lock, staging down), and processes of this run that escaped their
   * process group.
   */
  cleanup?: string[];
}
