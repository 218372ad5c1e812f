/**
 * Small pieces the pages share: verdict badges, dates, commits, links. The cells the kinds'
 * sections use too (status, duration, numbers, changes) are in render/html-format.ts.
 */
import { html, type SafeHtml } from '../render/html.js';
import type { Verdict } from '../run/result.js';
import { verdictLabel } from '../run/verdict.js';

/** `GO` / `NO-GO` / `COULD NOT RUN` as a coloured badge (without an exit code: GO or NO-GO). */
export function verdictBadge(verdict: Verdict, exitCode?: number): SafeHtml {
  const label = verdictLabel({ verdict, exit_code: exitCode ?? (verdict === 'go' ? 0 : 1) });
  const cls = label === 'COULD NOT RUN' ? 'could-not-run' : verdict;
  return html`<span class="verdict ${cls}">${label}</span>`;
}

/** `2025-03-14 09:30` (UTC) from an ISO date. */
export function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?/.exec(iso);
  return m ? `${m[1]} ${m[2]}${m[3] ?? ''} UTC` : iso;
}

/** The first 8 characters of a commit. */
export function shortCommit(commit: string | null): string {
  return commit ? commit.slice(0, 8) : '–';
}

/** The dashboard's link to a run. */
export function runHref(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

/** A relative change from `before` to `after`, in %, or null. */
export function relativeChange(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before === 0) return null;
  return ((after - before) / before) * 100;
}

/** A git ref and short commit (`main 3f2a9c1e`), or a dash when neither is known. */
export function refText(ref: string | null, commit: string | null): SafeHtml {
  if (!ref && !commit) return html`–`;
  return html`${ref ?? ''}${ref && commit ? ' ' : ''}${commit ? html`<code>${shortCommit(commit)}</code>` : ''}`;
}
