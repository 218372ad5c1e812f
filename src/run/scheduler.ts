/**
 * The run graph: checks start when what they need has passed, independent ones in
 * parallel (bounded), each wrapped by `runCheck` with its timeout and cancellation.
 */

import { performance } from 'node:perf_hooks';
import type { CheckResult, Finding } from '../checks/result.js';
import type { CheckContext, CheckDefinition, CheckOutcome, RunLevelResults } from '../checks/types.js';
import { timerDelay } from '../plan/duration.js';

export interface ScheduleOptions {
  concurrency: number;
  signal: AbortSignal;
  context: (signal: AbortSignal) => CheckContext;
  onCheckStart?: (check: CheckDefinition) => void;
  onCheckEnd?: (result: CheckResult) => void;
  /**
   * How the service preflight started ended, once it has (ServiceHandle.exited), and the last
   * lines of its output; null while it runs or before it started.
   */
  serviceExit?: () => { how: string; tail: string } | null;
}

/** What running the graph produced. */
export interface GraphResult {
  /** Each check's result, in definition order. */
  checks: CheckResult[];
  /** What the checks handed to the run's top level (`CheckOutcome.runLevel`), in definition order. */
  runLevel: RunLevelResults[];
}

/** One check's result, and what its outcome handed to the run's top level. */
export interface CheckRun {
  result: CheckResult;
  runLevel?: RunLevelResults;
}

/** Run every check of the graph; results come back in definition order. */
export async function runGraph(checks: CheckDefinition[], options: ScheduleOptions): Promise<GraphResult> {
  const results = new Map<string, CheckResult>();
  const runLevel = new Map<string, RunLevelResults>();
  const pending = new Map(checks.map((c) => [c.id, c]));
  const running = new Map<string, Promise<void>>();
  while (pending.size > 0 || running.size > 0) {
    for (const check of [...pending.values()]) {
      if (running.size >= options.concurrency) break;
      const blockedBy = check.needs.find((n) => results.has(n) && !passed(results.get(n)));
      if (blockedBy || options.signal.aborted) {
        pending.delete(check.id);
        const reason = options.signal.aborted ? 'run cancelled' : `needs "${blockedBy}", which did not pass`;
        finish(results, options, skipped(check, reason));
        continue;
      }
      if (!check.needs.every((n) => results.has(n) || (!pending.has(n) && !running.has(n)))) continue;
      if (!(check.after ?? []).every((n) => results.has(n) || (!pending.has(n) && !running.has(n)))) continue;
      pending.delete(check.id);
      options.onCheckStart?.(check);
      const task = runCheck(check, options).then((run) => {
        running.delete(check.id);
        if (run.runLevel) runLevel.set(check.id, run.runLevel);
        finish(results, options, run.result);
      });
      running.set(check.id, task);
    }
    if (running.size === 0 && pending.size > 0) {
      // Only a dependency cycle can leave checks pending with nothing running.
      for (const check of pending.values()) finish(results, options, skipped(check, 'dependency cycle'));
      pending.clear();
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return {
    checks: checks.map((c) => results.get(c.id) as CheckResult),
    runLevel: checks.flatMap((c) => runLevel.get(c.id) ?? []),
  };
}

function finish(results: Map<string, CheckResult>, options: ScheduleOptions, result: CheckResult): void {
  results.set(result.id, result);
  options.onCheckEnd?.(result);
}

function passed(result: CheckResult | undefined): boolean {
  return result?.status === 'pass' || result?.status === 'warn';
}

/**
 * Run one check with its timeout; never throws: a thrown error becomes status `error`. A check
 * that used the service, which was running when it started and had ended when it finished, fails
 * on it, whatever it saw before (see `withServiceExit`).
 */
export async function runCheck(check: CheckDefinition, options: ScheduleOptions): Promise<CheckRun> {
  const runningBefore = options.serviceExit?.() === null;
  let usedService = false;
  const context = (signal: AbortSignal): CheckContext => {
    const ctx = options.context(signal);
    const service = ctx.service;
    return {
      ...ctx,
      service: () => {
        usedService = true;
        return service();
      },
    };
  };
  const run = await runCheckOnce(check, { ...options, context });
  const exit = runningBefore && usedService ? options.serviceExit?.() : null;
  return exit ? { ...run, result: withServiceExit(run.result, exit) } : run;
}

/**
 * A check during which the service ended: a service that dies under the check's requests is not
 * one to ship, so the check fails on it, and says so first; what it saw is kept. A cancelled
 * check stays skipped (the run was stopped).
 */
function withServiceExit(result: CheckResult, exit: { how: string; tail: string }): CheckResult {
  if (result.status === 'skip') return result;
  const said = `the service ${exit.how} while this check ran (it is not restarted)`;
  const tail = exit.tail.trimEnd().split('\n').slice(-10).join('\n');
  const finding: Finding = {
    rule: 'SERVICE_EXITED',
    message: said,
    severity: 'error',
    ...(tail ? { excerpt: tail } : {}),
  };
  const { error: _replaced, ...rest } = result;
  return {
    ...rest,
    status: result.blocking ? 'fail' : 'warn',
    summary: `${said}; ${result.summary}`,
    findings: [finding, ...(result.findings ?? [])],
  };
}

async function runCheckOnce(check: CheckDefinition, options: ScheduleOptions): Promise<CheckRun> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('check timed out'));
      resolve('timeout');
    }, timerDelay(check.timeoutMs));
  });
  const base = { id: check.id, kind: check.kind, blocking: check.blocking };
  try {
    const work = check.run(options.context(controller.signal));
    const first = await Promise.race([work, timeout]);
    // After a timeout the check is aborted; give it a moment to clean up its processes.
    const outcome = first === 'timeout' ? await Promise.race([work.catch(() => null), delay(5000)]) : first;
    return settle(check, outcome, first === 'timeout', round(performance.now() - started));
  } catch (error) {
    const e = error as { code?: string; message?: string; tail?: string };
    const message = e.message ?? String(error);
    const tail = e.tail?.trim() ? `; its output ends with:\n${e.tail.trimEnd()}` : '';
    const result: CheckResult = {
      ...base,
      status: 'error',
      duration_ms: round(performance.now() - started),
      summary: message,
      error: { code: e.code ?? 'CHECK_CRASHED', message: `${message}${tail}` },
    };
    return { result };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The check's result from its outcome (null: none came after a timeout), and what the outcome
 * hands to the run's top level, which is not part of the check's own result.
 */
function settle(
  check: CheckDefinition,
  outcome: CheckOutcome | null,
  timedOut: boolean,
  duration_ms: number,
): CheckRun {
  const base = { id: check.id, kind: check.kind, blocking: check.blocking };
  const { runLevel, ...own } = outcome ?? ({} as Partial<CheckOutcome>);
  const handed = runLevel ? { runLevel } : {};
  if (timedOut) {
    const message = `the check did not finish within ${check.timeoutMs / 1000} s`;
    // What the aborted check returned (a skip for "cancelled") is kept, but not its skip.
    const { skip_reason: _skipped, skip_allowed: _allowed, ...rest } = own;
    const result: CheckResult = {
      ...base,
      ...rest,
      status: 'error',
      duration_ms,
      summary: message,
      error: { code: 'CHECK_TIMEOUT', message },
    };
    return { result, ...handed };
  }
  const result = { ...base, ...own, duration_ms } as CheckResult;
  if (result.status === 'fail' && !check.blocking) result.status = 'warn';
  return { result, ...handed };
}

function skipped(check: CheckDefinition, reason: string): CheckResult {
  return {
    id: check.id,
    kind: check.kind,
    blocking: check.blocking,
    status: 'skip',
    duration_ms: 0,
    summary: reason,
    skip_reason: reason,
    ...(check.skipAllowed ? { skip_allowed: true } : {}),
  };
}

function delay(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
