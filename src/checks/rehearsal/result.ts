/** Result types of the `rehearsal` check: its phases and where it left staging. */

import type { StepStatus } from '../paths/result.js';
import type { CommandRun } from '../result.js';

/** The critical paths of a rehearsal phase, in short. */
export interface PhasePathResult {
  name: string;
  owner: string;
  status: StepStatus;
  /** @minimum 0 */
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
  /** @minimum 0 */
  duration_ms: number;
  summary: string;
  /** The deploy or rollback command, with its exit code and duration. */
  command?: CommandRun;
  /**
   * From the start of the command until staging's ready endpoint answered 2xx.
   * @minimum 0
   */
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
