/**
 * Result types of the `paths` check: each critical path, its steps, their assertions and the
 * request and response they exchanged. Part of the JSON result (`paths`).
 */

import type { SourceRef } from '../../plan/source-ref.js';
import type { RunError } from '../result.js';

export type StepStatus = 'pass' | 'fail' | 'error' | 'skip';

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
  /** @asType integer */
  status: number;
  headers: Record<string, string>;
  /** The first bytes of the body (bounded), redacted. */
  body: string;
  /**
   * The full body size in bytes, as received (bounded by the capture limit).
   * @minimum 0
   * @asType integer
   */
  size: number;
  truncated: boolean;
}

export interface StepResult {
  name: string;
  status: StepStatus;
  /** @minimum 0 */
  duration_ms: number;
  /**
   * Time to the response headers, of the last attempt.
   * @minimum 0
   */
  ttfb_ms?: number;
  /**
   * @minimum 0
   * @asType integer
   */
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
  /**
   * When the step's first request was sent, ISO 8601 (set on steps that did not pass).
   * @format date-time
   */
  started_at?: string;
  /** The traceback in the logs that this step's request caused (linked after the run). */
  traceback?: StepTraceback;
}

/** A traceback linked to the step whose request caused it. */
export interface StepTraceback {
  /** The log source, e.g. `service`. */
  source: string;
  /**
   * @minimum 0
   * @asType integer
   */
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
  /** @minimum 0 */
  duration_ms: number;
  steps: StepResult[];
  source?: SourceRef;
}
