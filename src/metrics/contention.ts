/**
 * Cross-path contention. All paths run against the same candidate server at once, so a path
 * that got slower also loads the server harder (more requests in flight, more CPU, the GIL of
 * a one-worker service held longer, connections held), and other paths can slow down with it
 * although their own code did not change. Reading their change as independent regressions
 * would send the team after the wrong code; ignoring it would hide a real one.
 *
 * The design: an experiment, not a correlation. When a path regressed (a blocking comparison)
 * and at least one other path did not come out unchanged (regressed or inconclusive), every
 * path that did not come out unchanged is measured once more *alone*, one after the other: the
 * same interleaved, sequential measurement of baseline and candidate with every other path's
 * load left out, each within half of `max_duration`, until its latency rows are conclusive.
 * Then each of those rows says what it showed alone:
 *   - explained (true): not regressed alone (unchanged or improved): its change came from
 *     contention with the paths that did regress alone (or, when none did, with the others it
 *     ran with);
 *   - not explained (false): regressed alone too: a regression of its own;
 *   - unsettled (null): alone, inconclusive.
 * The check fails either way (a path regressed); the summary names only the regressions of
 * their own as regressions, and the contention for the others.
 */
import type { ContentionFinding, MetricComparison, MetricVerdict } from '../checks/metrics/result.js';

/** The paths to measure alone, and the ones that regressed together; null when there is nothing to tell apart. */
export function contentionPlan(rows: MetricComparison[]): { regressed: string[]; alone: string[] } | null {
  const pathRows = rows.filter((r) => r.step === null && r.blocking);
  const regressed = [...new Set(pathRows.filter((r) => r.verdict === 'regressed').map((r) => r.path))];
  if (regressed.length === 0) return null;
  const moved = [
    ...new Set(pathRows.filter((r) => isLatency(r) && r.verdict !== 'unchanged').map((r) => r.path)),
  ];
  return moved.length < 2 ? null : { regressed, alone: moved };
}

/** A latency row (contention shows in latencies). */
export function isLatency(r: MetricComparison): boolean {
  return r.metric === 'p50' || r.metric === 'p95' || r.metric === 'p99';
}

/** The rows a path's alone measurement must settle: its blocking latency rows that did not come out unchanged. */
export function contentionFocus(rows: MetricComparison[], path: string): (r: MetricComparison) => boolean {
  const open = new Set(
    rows
      .filter(
        (r) => r.step === null && r.blocking && r.path === path && isLatency(r) && r.verdict !== 'unchanged',
      )
      .map((r) => r.metric),
  );
  return (r) => r.step === null && r.blocking && r.path === path && open.has(r.metric);
}

function explainedBy(alone: MetricVerdict): boolean | null {
  if (alone === 'regressed') return false;
  return alone === 'unchanged' || alone === 'improved' ? true : null;
}

/** Attach what each path's alone measurement showed to its rows. */
export function applyContention(
  rows: MetricComparison[],
  aloneRows: Map<string, MetricComparison[]>,
  plan: { regressed: string[]; alone: string[] },
): void {
  const aloneRow = (r: MetricComparison): MetricComparison | undefined =>
    aloneRows.get(r.path)?.find((a) => a.step === null && a.path === r.path && a.metric === r.metric);
  const targets = rows.filter(
    (r) =>
      r.step === null &&
      r.blocking &&
      plan.alone.includes(r.path) &&
      isLatency(r) &&
      r.verdict !== 'unchanged',
  );
  const own = [...new Set(targets.filter((r) => aloneRow(r)?.verdict === 'regressed').map((r) => r.path))];
  for (const row of targets) {
    const alone = aloneRow(row);
    if (!alone) continue;
    const others = own.filter((p) => p !== row.path);
    const finding: ContentionFinding = {
      with: others.length > 0 ? others : plan.alone.filter((p) => p !== row.path),
      alone: { verdict: alone.verdict, change: alone.change, interval: alone.interval },
      explained: explainedBy(alone.verdict),
    };
    row.contention = finding;
  }
}

/** The words for a row's contention finding, e.g. `explained by contention with browse (alone: unchanged)`. */
export function describeContention(c: ContentionFinding): string {
  const alone = `alone: ${c.alone.verdict}`;
  if (c.explained === true) return `explained by contention with ${c.with.join(', ')} (${alone})`;
  if (c.explained === false) return `its own: regressed alone too`;
  return `contention with ${c.with.join(', ')} not settled (${alone})`;
}
