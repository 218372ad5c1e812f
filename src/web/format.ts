/**
 * Small pieces the pages share: verdict badges, status cells, numbers, dates, links.
 */
import { formatDuration } from '../report/format.js';
import type { Verdict } from '../run/result.js';
import { verdictLabel } from '../run/verdict.js';
import { html, type SafeHtml } from './html.js';

/** `GO` / `NO-GO` / `COULD NOT RUN` as a coloured badge (without an exit code: GO or NO-GO). */
export function verdictBadge(verdict: Verdict, exitCode?: number): SafeHtml {
  const label = verdictLabel({ verdict, exit_code: exitCode ?? (verdict === 'go' ? 0 : 1) });
  const cls = label === 'COULD NOT RUN' ? 'could-not-run' : verdict;
  return html`<span class="verdict ${cls}">${label}</span>`;
}

/** A status word coloured by what it means (pass, fail, error, warn, skip). */
export function statusText(status: string, flaky = false): SafeHtml {
  return html`<span class="status-${status}">${status}</span>${flaky ? html` <span class="muted">(flaky)</span>` : ''}`;
}

/** A duration for people (`340 ms`, `1.24 s`). */
export function duration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : formatDuration(ms);
}

/** A number of ms with one decimal, or a dash. */
export function millis(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : `${Math.round(ms * 10) / 10} ms`;
}

/** A percentage with one decimal, or a dash. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value * 10) / 10} %`;
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

/** A change shown with its sign; red when it got worse (higher), green when better. */
export function changeCell(change: number | null, unit = '%'): SafeHtml {
  if (change === null || !Number.isFinite(change)) return html`<span class="muted">–</span>`;
  const rounded = Math.round(change * 10) / 10;
  const cls = rounded > 0 ? 'change-worse' : rounded < 0 ? 'change-better' : 'muted';
  return html`<span class="${cls}">${rounded > 0 ? '+' : ''}${rounded} ${unit}</span>`;
}

/** A git ref and short commit (`main 3f2a9c1e`), or a dash when neither is known. */
export function refText(ref: string | null, commit: string | null): SafeHtml {
  if (!ref && !commit) return html`–`;
  return html`${ref ?? ''}${ref && commit ? ' ' : ''}${commit ? html`<code>${shortCommit(commit)}</code>` : ''}`;
}
