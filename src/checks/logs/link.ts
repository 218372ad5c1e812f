/**
 * Linking the tracebacks the `logs` check found to the failed steps whose 5xx answer caused
 * them: by the response's request id when the log shows it, else by the step's time window.
 * Pure: results in, the steps' `traceback` set.
 */
import type { PathResult, StepResult } from '../paths/result.js';
import type { CheckResult, Finding } from '../result.js';

/** Response headers that carry a request id a service may also log. */
const REQUEST_ID_HEADERS = [
  'x-request-id',
  'x-correlation-id',
  'request-id',
  'x-amzn-requestid',
  'x-trace-id',
];
/** The log writer's clock and the moment preflight sent the request may differ a little. */
const SLACK_BEFORE_MS = 1000;
const SLACK_AFTER_MS = 2000;
/** A request id shorter than this would match by chance. */
const MIN_ID_LENGTH = 6;

interface Candidate {
  step: StepResult;
  start: number;
  end: number;
  requestId: string | null;
}

/** Set `traceback` on each failed step with a 5xx answer that a traceback of the `logs` check belongs to. */
export function linkTracebacks(paths: readonly PathResult[], checks: readonly CheckResult[]): void {
  const logs = checks.find((c) => c.kind === 'logs');
  const tracebacks = (logs?.findings ?? []).filter((f) => f.rule === 'log-traceback');
  if (tracebacks.length === 0) return;
  const steps = paths.flatMap((p) => p.steps).flatMap((s) => candidateOf(s) ?? []);
  const used = new Set<Finding>();
  // A request id is proof; a time window only a likelihood: ids go first.
  for (const c of steps) {
    const id = c.requestId;
    if (id === null) continue;
    const found = tracebacks.find((t) => !used.has(t) && mentions(t, id));
    if (found) link(c.step, found, 'request-id', used);
  }
  for (const c of steps.sort((a, b) => a.start - b.start)) {
    if (c.step.traceback) continue;
    const found = tracebacks
      .filter((t) => !used.has(t) && t.logged_at !== undefined)
      .map((t) => ({ t, at: Date.parse(t.logged_at as string) }))
      .filter(({ at }) => at >= c.start - SLACK_BEFORE_MS && at <= c.end + SLACK_AFTER_MS)
      .sort((a, b) => Math.abs(a.at - c.end) - Math.abs(b.at - c.end))[0];
    if (found) link(c.step, found.t, 'time', used);
  }
}

function candidateOf(step: StepResult): Candidate | null {
  if (step.status !== 'fail' && step.status !== 'error') return null;
  if (!step.response || step.response.status < 500 || !step.started_at) return null;
  const start = Date.parse(step.started_at);
  if (Number.isNaN(start)) return null;
  const headers = Object.fromEntries(
    Object.entries(step.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const id = REQUEST_ID_HEADERS.map((h) => headers[h]).find((v) => v && v.length >= MIN_ID_LENGTH);
  return { step, start, end: start + step.duration_ms, requestId: id ?? null };
}

function mentions(finding: Finding, id: string): boolean {
  return [...(finding.log_context ?? []), finding.excerpt ?? ''].some((text) => text.includes(id));
}

function link(step: StepResult, finding: Finding, by: 'request-id' | 'time', used: Set<Finding>): void {
  used.add(finding);
  step.traceback = {
    source: finding.file ?? 'service',
    ...(finding.line !== undefined ? { line: finding.line } : {}),
    exception: finding.message,
    by,
  };
}
