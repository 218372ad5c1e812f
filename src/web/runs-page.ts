/**
 * The runs page: every recorded run, newest first (verdict, service, ref, duration, who),
 * links to trends per service, and a form to compare two runs.
 */

import { html, type SafeHtml } from '../render/html.js';
import { duration } from '../render/html-format.js';
import { verdictLabel } from '../run/verdict.js';
import type { RunSummary } from '../store/types.js';
import { refText, runHref, verdictBadge, when } from './format.js';

/** What the runs page shows. */
export interface RunsPageData {
  runs: RunSummary[];
  services: string[];
  /** The service the list is limited to, if any. */
  service?: string | undefined;
  /** Where the history is, for people. */
  location: string;
}

/** The body of the runs page. */
export function renderRunsBody(data: RunsPageData): SafeHtml {
  const { runs } = data;
  const title = data.service ? `Runs of ${data.service}` : 'Runs';
  return html`<h1>${title}</h1>
<p class="muted">${runs.length} run${runs.length === 1 ? '' : 's'} from <code>${data.location}</code>${
    data.service ? html` · <a href="/">all services</a>` : ''
  }</p>
${servicesLine(data.services)}
${runs.length === 0 ? html`<p>No run recorded yet: <code>npx preflight run</code> records every run here.</p>` : runsTable(runs)}
${runs.length >= 2 ? compareForm(runs) : ''}`;
}

function servicesLine(services: string[]): SafeHtml {
  if (services.length === 0) return html``;
  const links = services.map(
    (s) =>
      html`<a href="/?service=${encodeURIComponent(s)}">${s}</a> (<a href="/trends?service=${encodeURIComponent(s)}">trends</a>)`,
  );
  return html`<p>Services: ${links.map((l, i) => html`${i > 0 ? ', ' : ''}${l}`)}</p>`;
}

function runsTable(runs: RunSummary[]): SafeHtml {
  const rows = runs.map(
    (r) => html`<tr data-run="${r.run_id}" data-verdict="${r.verdict}">
<td><a href="${runHref(r.run_id)}">${when(r.started_at)}</a></td><td>${verdictBadge(r.verdict, r.exit_code)}</td><td>${r.service}</td>
<td>${r.version ?? '–'}</td><td>${refText(r.git_ref, r.git_commit)}</td>
<td class="num">${duration(r.duration_ms)}</td><td>${r.who ?? '–'}</td><td>${r.reason}</td>
<td><a href="${runHref(r.run_id)}"><code>${r.run_id}</code></a></td></tr>`,
  );
  return html`<table class="runs"><thead><tr><th>when</th><th>verdict</th><th>service</th><th>version</th><th>ref</th>
<th>duration</th><th>who</th><th>reason</th><th>run</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A form that picks two runs to compare (`before` defaults to the second newest, `after` to the newest). */
export function compareForm(runs: RunSummary[], before?: string, after?: string): SafeHtml {
  const options = (selected: string | undefined) =>
    runs.map(
      (r) =>
        html`<option value="${r.run_id}"${r.run_id === selected ? html` selected` : ''}>${when(r.started_at)} ${verdictLabel(r)} ${r.service} ${r.version ?? ''} (${r.run_id})</option>`,
    );
  return html`<h2>Compare two runs</h2>
<form class="compare" method="get" action="/compare">
<label>before <select name="a">${options(before ?? runs[1]?.run_id)}</select></label>
<label>after <select name="b">${options(after ?? runs[0]?.run_id)}</select></label>
<button type="submit">compare</button>
</form>`;
}
