/**
 * The error code of a blocking check that ran but covered less than the plan asked: the
 * verdict is NO-GO (exit 1), not "could not run" (exit 3). Every other error code of a
 * blocking check means preflight could not run it.
 */
export const INCOMPLETE_COVERAGE = 'INCOMPLETE_COVERAGE';
