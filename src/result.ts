/**
 * Result types: what checks return and reporters show. The JSON result (`--json`)
 * is a serialised `RunResult`; its JSON Schema is in `schema/result.schema.json`.
 */

import type { DatabaseReview } from './result-database.js';
import type { MetricsResult } from './result-metrics.js';
import type { MigrationsResult } from './result-migrations.js';

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
  error?: RunError;
  skip_reason?: string;
  source?: SourceRef;
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
  dirty: boolean;
  files_touched: string[];
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
  /** Baseline vs candidate metrics (the `metrics` check), when measured. */
  metrics?: MetricsResult;
}
