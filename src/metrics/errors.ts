/**
 * Errors of the metrics check: each says what happened and how to fix it, with a stable code.
 */

export type MetricsErrorCode =
  | 'METRICS_NOT_A_REPO'
  | 'METRICS_BAD_REF'
  | 'METRICS_WORKTREE_FAILED'
  | 'METRICS_SETUP_FAILED'
  | 'METRICS_BASELINE_NOT_STARTED'
  | 'METRICS_CANDIDATE_NOT_STARTED'
  | 'METRICS_BAD_RECORD'
  | 'METRICS_UNKNOWN_PATH'
  | 'METRICS_K6_MISSING'
  | 'METRICS_K6_FAILED';

/** The metrics check could not run (exit 3). */
export class MetricsError extends Error {
  readonly code: MetricsErrorCode;
  constructor(code: MetricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetricsError';
    this.code = code;
  }
}
