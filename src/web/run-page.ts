/**
 * A run's page: verdict and facts, critical paths, failures, step timing charts, checks,
 * metrics before/after when measured, the service log's last lines and the launch record.
 * The dashboard and the self-contained HTML report both draw it from a `StoredRun`.
 */

import { type KindPlace, type KindReports, kindViews, sectionsAt } from '../checks/report.js';
import { ChartSet } from '../render/charts.js';
import { html, type SafeHtml } from '../render/html.js';
import { duration } from '../render/html-format.js';
import type { RunResult } from '../run/result.js';
import type { RunSummary, StoredRun } from '../store/types.js';
import { runHref, shortCommit, verdictBadge, when } from './format.js';
import { renderMarkdown } from './markdown.js';
import { checksSection, pathsTable } from './run-sections.js';

/** Where the page is shown: the dashboard links to other pages, a report file does not. */
export interface RunPageOptions {
  dashboard: boolean;
}

/** The body of a run's page, and the charts it carries; `kinds`: the sections of its kinds (`loadKindReports`). */
export function renderRunBody(run: StoredRun, kinds: KindReports, options: RunPageOptions): SafeHtml {
  const { summary, result } = run;
  const charts = new ChartSet();
  return html`<h1>${verdictBadge(summary.verdict, summary.exit_code)} ${summary.service}${summary.version ? ` ${summary.version}` : ''}</h1>
<p class="reason">${summary.reason}</p>
${factsList(summary, result, options)}
${pathsTable(result)}
${kindSections(result, kinds, charts, 'lead')}
${checksSection(result)}
${[...kindSections(result, kinds, charts), ...kindSections(result, kinds, charts, 'tail')]}
${logsSection(run.logs_excerpt)}
${recordSection(run.record_md)}
${!run.record_md && result.assumptions.length > 0 ? html`<h2>Assumptions</h2><ul>${result.assumptions.map((a) => html`<li>${a}</li>`)}</ul>` : ''}
${charts.data()}`;
}

/**
 * Each kind's section of the page for `place` (its own place: metrics before/after …; `lead`:
 * the failed paths and step timings), in the kinds' report order.
 */
export function kindSections(
  result: RunResult,
  kinds: KindReports,
  charts: ChartSet,
  place: KindPlace = 'main',
): SafeHtml[] {
  return kindViews(kinds, result).flatMap(({ report, view }) => {
    const section = sectionsAt(report, place).html;
    return section ? [section(view, { charts })] : [];
  });
}

/** The summary of a result that was not read from a store (the HTML report of a run). */
export function summaryOf(result: RunResult, who: string | null): RunSummary {
  return {
    run_id: result.run_id,
    service: result.service.name,
    version: result.service.version,
    git_ref: result.git?.branch ?? result.git?.describe ?? null,
    git_commit: result.git?.commit ?? null,
    plan_file: result.plan.file,
    plan_hash: result.plan.hash,
    verdict: result.verdict,
    exit_code: result.exit_code,
    reason: result.reason,
    started_at: result.started_at,
    finished_at: result.finished_at,
    duration_ms: result.duration_ms,
    who,
  };
}

function factsList(summary: RunSummary, result: RunResult, options: RunPageOptions): SafeHtml {
  const git = result.git;
  const links = options.dashboard
    ? html`<dt>more</dt><dd><a href="${runHref(summary.run_id)}.json">JSON result</a> · <a href="/trends?service=${encodeURIComponent(summary.service)}">trends of ${summary.service}</a> · <a href="/compare?b=${encodeURIComponent(summary.run_id)}">compare with…</a></dd>`
    : '';
  return html`<dl class="facts">
<dt>run</dt><dd><code>${summary.run_id}</code></dd>
<dt>when</dt><dd>${when(summary.started_at)}, took ${duration(summary.duration_ms)}</dd>
<dt>who</dt><dd>${summary.who ?? '–'}</dd>
<dt>exit code</dt><dd>${summary.exit_code}</dd>
<dt>service</dt><dd>${summary.service}${result.service.owner ? `, owned by ${result.service.owner}` : ''}${result.service.url ? html`, at <code>${result.service.url}</code>` : ''}</dd>
<dt>git</dt><dd>${git ? html`<code>${shortCommit(git.commit)}</code> ${summary.git_ref ?? ''}${git.dirty ? ' (dirty work tree)' : ''}` : 'no git information'}</dd>
<dt>plan</dt><dd><code>${summary.plan_file}</code> <span class="muted">${summary.plan_hash}</span></dd>
${links}
</dl>`;
}

function logsSection(logs: string | null): SafeHtml {
  if (!logs) return html``;
  return html`<h2>Service log (last lines)</h2><pre class="logs">${logs}</pre>`;
}

function recordSection(markdown: string | null): SafeHtml {
  if (!markdown) return html``;
  return html`<h2>Launch record</h2><details class="record" open><summary>as <code>--record</code> writes it</summary>${renderMarkdown(markdown)}</details>`;
}
