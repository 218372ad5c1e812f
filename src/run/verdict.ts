/**
 * The verdict: GO when no blocking check failed; could-not-run (exit 3) when a blocking
 * check errored; advisory checks only warn.
 */
import type { CheckResult, Verdict } from '../result.js';

export interface VerdictDecision {
  verdict: Verdict;
  exit_code: 0 | 1 | 3;
  reason: string;
}

/** Decide the verdict from check results. */
export function decideVerdict(results: CheckResult[], cancelled = false): VerdictDecision {
  const blocking = results.filter((r) => r.blocking);
  const errored = blocking.filter((r) => r.status === 'error');
  const failed = blocking.filter((r) => r.status === 'fail');
  const warned = results.filter((r) => r.status === 'warn' || (!r.blocking && r.status === 'error'));
  const names = (list: CheckResult[]): string => list.map((r) => r.id).join(', ');
  if (cancelled)
    return { verdict: 'no-go', exit_code: 3, reason: 'the run was cancelled before every check finished' };
  if (errored.length > 0) {
    return {
      verdict: 'no-go',
      exit_code: 3,
      reason: `could not run ${names(errored)}: ${errored[0]?.summary}`,
    };
  }
  if (failed.length > 0) {
    return {
      verdict: 'no-go',
      exit_code: 1,
      reason: `${failed.length} blocking check${failed.length === 1 ? '' : 's'} failed: ${names(failed)}`,
    };
  }
  const ran = blocking.filter((r) => r.status === 'pass').length;
  if (ran === 0 && results.length > 0 && results.every((r) => r.status === 'skip')) {
    return { verdict: 'no-go', exit_code: 1, reason: 'no check ran' };
  }
  const warnNote = warned.length
    ? `; ${warned.length} advisory warning${warned.length === 1 ? '' : 's'}: ${names(warned)}`
    : '';
  return {
    verdict: 'go',
    exit_code: 0,
    reason: `all ${ran} blocking check${ran === 1 ? '' : 's'} passed${warnNote}`,
  };
}
