/**
 * Retrying a step: run attempts until one passes, the retry count is used up, or
 * the run is cancelled, waiting the retry interval between attempts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type AttemptOutcome, attemptPassed, type CompletedAttempt } from './attempt.js';

/** How often and how far apart to retry. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  count: number;
  intervalMs: number;
  signal: AbortSignal;
  /** The service preflight started has exited: no attempt after this one can pass, so none is made. */
  serviceGone?: () => string | null;
}

/** The attempts made and the last one that completed (undefined: cancelled before any completed). */
export interface RetryOutcome {
  attempts: number;
  last: CompletedAttempt | undefined;
  cancelled: boolean;
}

/** Run `attempt` once, then again while it does not pass, up to `policy.count` more times. */
export async function withRetry(
  attempt: () => Promise<AttemptOutcome>,
  policy: RetryPolicy,
): Promise<RetryOutcome> {
  let last: CompletedAttempt | undefined;
  for (let n = 1; n <= policy.count + 1; n++) {
    if (n > 1 && !(await wait(policy.intervalMs, policy.signal)))
      return { attempts: n - 1, last, cancelled: true };
    const outcome = await attempt();
    if (outcome.kind === 'cancelled') return { attempts: n, last, cancelled: true };
    last = outcome;
    if (attemptPassed(outcome)) return { attempts: n, last, cancelled: false };
    if (policy.serviceGone?.()) return { attempts: n, last, cancelled: false };
  }
  return { attempts: policy.count + 1, last, cancelled: false };
}

/** Wait `ms`; false when the run was cancelled first. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
