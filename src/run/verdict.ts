/**
 * The verdict. GO is earned: every blocking check passed on the coverage the plan asked for,
 * and every skip is one the plan allows. NO-GO (exit 1) when a blocking check failed, covered
 * less than asked, or was skipped without the plan's permission. COULD NOT RUN (exit 3) when
 * nothing failed but preflight could not run a blocking check (a service that would not start,
 * a missing tool). Advisory checks only warn.
 */
import { INCOMPLETE_COVERAGE } from '../checks/coverage.js';
import type { CheckResult } from '../checks/result.js';
import type { Verdict } from './result.js';

export interface VerdictDecision {
  verdict: Verdict;
  exit_code: 0 | 1 | 3;
  reason: string;
}

/** A blocking check's share in the verdict. */
export type CheckStanding = 'passed' | 'failed' | 'incomplete' | 'skipped' | 'allowed-skip' | 'could-not-run';

/** How one check counts toward the verdict. */
export function checkStanding(r: CheckResult): CheckStanding | 'advisory' {
  if (!r.blocking) return 'advisory';
  if (r.status === 'pass' || r.status === 'warn') return 'passed';
  if (r.status === 'fail') return 'failed';
  if (r.status === 'skip') return r.skip_allowed ? 'allowed-skip' : 'skipped';
  return r.error?.code === INCOMPLETE_COVERAGE ? 'incomplete' : 'could-not-run';
}

/** Decide the verdict from check results. */
export function decideVerdict(results: CheckResult[], cancelled = false): VerdictDecision {
  const by = (standing: CheckStanding): CheckResult[] => results.filter((r) => checkStanding(r) === standing);
  const failed = by('failed');
  const incomplete = by('incomplete');
  const skipped = by('skipped');
  const errored = by('could-not-run');
  const allowed = by('allowed-skip');
  const passed = by('passed');
  const warned = results.filter((r) => r.status === 'warn' || (!r.blocking && r.status === 'error'));
  if (cancelled)
    return { verdict: 'no-go', exit_code: 3, reason: 'the run was cancelled before every check finished' };
  const parts: string[] = [];
  if (failed.length > 0) parts.push(`${count(failed.length, 'blocking check')} failed: ${names(failed)}`);
  if (incomplete.length > 0)
    parts.push(
      `${count(incomplete.length, 'blocking check')} covered less than the plan asks: ${withWhy(incomplete)}`,
    );
  if (skipped.length > 0)
    parts.push(
      `${count(skipped.length, 'blocking check')} skipped without the plan's permission: ${withWhy(skipped)}`,
    );
  if (parts.length > 0) {
    if (errored.length > 0) parts.push(`could not run ${withWhy(errored)}`);
    return { verdict: 'no-go', exit_code: 1, reason: parts.join('; ') };
  }
  if (errored.length > 0)
    return { verdict: 'no-go', exit_code: 3, reason: `could not run ${withWhy(errored)}` };
  if (passed.length === 0)
    return { verdict: 'no-go', exit_code: 1, reason: 'no blocking check ran: nothing was verified' };
  const allowedNote = allowed.length
    ? `; ${allowed.length} skipped as the plan allows: ${withWhy(allowed)}`
    : '';
  const warnNote = warned.length ? `; ${count(warned.length, 'advisory warning')}: ${names(warned)}` : '';
  return {
    verdict: 'go',
    exit_code: 0,
    reason: `${count(passed.length, 'blocking check')} passed${allowedNote}${warnNote}`,
  };
}

function names(list: CheckResult[]): string {
  return list.map((r) => r.id).join(', ');
}

/** `cache (SHOP_CDN_URL is not set), metrics (no release tag yet)`. */
function withWhy(list: CheckResult[]): string {
  return list.map((r) => `${r.id} (${shortWhy(r)})`).join(', ');
}

/**
 * The first line of why a check did not pass; when that line introduces what follows ("its
 * output ends with:"), the last line of what follows too (usually the error), never a colon
 * that promises what the banner does not show.
 */
function shortWhy(r: CheckResult): string {
  const why = r.status === 'skip' ? (r.skip_reason ?? r.summary) : (r.error?.message ?? r.summary);
  const [first = '', ...rest] = why.split('\n');
  const last = rest
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  if (!first.trimEnd().endsWith(':') || !last) return cut(first.replace(/:\s*$/, ''), 160);
  return `${cut(first.trimEnd(), 110)} ${cut(last, 160)}`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The banner word of a result: `GO` (exit 0), `NO-GO` (exit 1) or `COULD NOT RUN` (exit 3). */
export function verdictLabel(result: {
  verdict: Verdict;
  exit_code: number;
}): 'GO' | 'NO-GO' | 'COULD NOT RUN' {
  if (result.verdict === 'go') return 'GO';
  return result.exit_code === 3 ? 'COULD NOT RUN' : 'NO-GO';
}

/** Every skipped check with its reason and whether the plan allows it, in result order. */
export function listSkips(results: CheckResult[]): { id: string; reason: string; allowed: boolean }[] {
  return results
    .filter((r) => r.status === 'skip')
    .map((r) => ({
      id: r.id,
      reason: r.skip_reason ?? r.summary,
      allowed: r.skip_allowed === true || !r.blocking,
    }));
}
