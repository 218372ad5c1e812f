/**
 * The result every check kind returns, and the parts kinds share (findings, commands, errors,
 * coverage). A kind's own details live in its folder (`<kind>/result.ts`); the run-level result
 * that holds every check's is in src/run/result.ts.
 */

import type { CacheObservation } from './cache/result.js';
import type { ContractResult } from './contract/result.js';
import type { DatabaseReview } from './database/result.js';
import type { MigrationsResult } from './migrations/result.js';
import type { PhaseResult, StagingOutcome } from './rehearsal/result.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

/** A problem found by a check in the user's code (a lint finding, a failed test). */
export interface Finding {
  rule: string;
  message: string;
  severity: 'error' | 'warning';
  file?: string;
  /**
   * @minimum 0
   * @asType integer
   */
  line?: number;
  /**
   * @minimum 0
   * @asType integer
   */
  column?: number;
  /** The category of the finding where the rule alone does not say it, e.g. `cache-leak`. */
  kind?: string;
  /** The lines the finding is about (a log excerpt), redacted. */
  excerpt?: string;
  /**
   * When a log event was written (its own timestamp or the nearest line's), ISO 8601.
   * @format date-time
   */
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
  /** @minimum 0 */
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
  /**
   * @minimum 0
   * @asType integer
   */
  total: number;
  /**
   * @minimum 0
   * @asType integer
   */
  passed: number;
  /**
   * @minimum 0
   * @asType integer
   */
  failed: number;
  /**
   * @minimum 0
   * @asType integer
   */
  errors: number;
  /**
   * @minimum 0
   * @asType integer
   */
  skipped: number;
}

/** One thing a check examined, against what the plan asked for. */
export interface CoverageItem {
  /** What was counted, in words: `steps captured`, `paths measured`, `tables at realistic volume`, `comparisons conclusive`. */
  what: string;
  /**
   * @minimum 0
   * @asType integer
   */
  covered: number;
  /**
   * @minimum 0
   * @asType integer
   */
  asked: number;
  /** Why not everything was covered, when it was not (e.g. the paths that failed). */
  detail?: string;
}

export interface CheckResult {
  /** @minLength 1 */
  id: string;
  /** @minLength 1 */
  kind: string;
  status: CheckStatus;
  blocking: boolean;
  /** @minimum 0 */
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
