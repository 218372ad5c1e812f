/**
 * The small interface every check kind implements. A check returns a result; it never prints.
 */
import type { Dispatcher } from 'undici';
import type { LoadedPlan } from '../plan/load.js';
import type { TemplateScope } from '../plan/template.js';
import type { ServiceHandle } from '../process/service.js';
import type { Redactor } from '../secrets/redactor.js';
import type { MetricsResult } from './metrics/result.js';
import type { PathResult, StepResult } from './paths/result.js';
import type { CheckResult, CheckStatus } from './result.js';

/** What a check may use while it runs. */
export interface CheckContext {
  loaded: LoadedPlan;
  runId: string;
  /** A directory for this run's files (service log, JUnit reports). */
  runDir: string;
  redactor: Redactor;
  /** Aborted when the run is cancelled or the check timed out. */
  signal: AbortSignal;
  /** Starts the service on first call (shared by every check); throws ServiceError. */
  service: () => Promise<ServiceHandle>;
  /** A fresh template scope with the plan's variables. */
  scope: (serviceUrl: string) => TemplateScope;
  dispatcher: Dispatcher;
  onStepEnd: (path: string, step: StepResult) => void;
}

/**
 * The fields of the run-level result a check fills besides its own entry in `checks`: the
 * `paths` check's path results (`paths`), the `metrics` check's comparison (`metrics`).
 */
export interface RunLevelResults {
  paths?: PathResult[];
  metrics?: MetricsResult;
}

/** What a check's run returns; the scheduler adds id, kind, blocking and duration. */
export type CheckOutcome = Omit<CheckResult, 'id' | 'kind' | 'blocking' | 'duration_ms' | 'status'> & {
  status: Exclude<CheckStatus, 'warn'>;
  /** What goes to the run's top level, not into the check's entry (the run assembles it). */
  runLevel?: RunLevelResults;
};

/** A check ready to be scheduled. */
export interface CheckDefinition {
  id: string;
  kind: string;
  blocking: boolean;
  /** Ids of checks that must pass first. */
  needs: string[];
  /** Ids of checks that must have ended first, whatever their status (ordering only). */
  after?: string[];
  timeoutMs: number;
  /** The plan allows this check to be skipped (`optional: true`): a skip of the scheduler's counts as allowed too. */
  skipAllowed?: boolean;
  run: (ctx: CheckContext) => Promise<CheckOutcome>;
}
