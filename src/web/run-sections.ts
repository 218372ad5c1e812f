/**
 * The sections of a run's page about what ran: critical paths (owner, expect, rollback, the
 * trend numbers) and checks with their findings (the failed paths and step timings are the
 * `paths` kind's, src/checks/paths/report-html.ts).
 * Every value from the result is text, escaped by `html`.
 */
import type { CheckResult } from '../checks/result.js';
import { html, type SafeHtml } from '../render/html.js';
import { duration, millis, percent, statusText } from '../render/html-format.js';
import type { RunResult } from '../run/result.js';
import { pathStats } from '../store/path-stats.js';

const MAX_FINDINGS = 50;

/** "Critical paths": name, owner, status, expect, rollback, p50/p95 of the steps. */
export function pathsTable(result: RunResult): SafeHtml {
  if (result.paths.length === 0)
    return html`<h2>Critical paths</h2><p class="muted">No critical path ran.</p>`;
  const stats = new Map(pathStats(result).map((s) => [s.path, s]));
  const rows = result.paths.map((p) => {
    const s = stats.get(p.name);
    return html`<tr data-path="${p.name}"><td>${p.name}</td><td>${p.owner}</td><td>${statusText(p.status, p.flaky)}</td>
<td>${p.expect}</td><td>${p.rollback}</td><td class="num">${millis(s?.p50_ms)}</td><td class="num">${millis(s?.p95_ms)}</td>
<td class="num">${percent(s?.error_pct)}</td><td class="num">${duration(p.duration_ms)}</td></tr>`;
  });
  return html`<h2>Critical paths</h2>
<table class="paths"><thead><tr><th>name</th><th>owner</th><th>status</th><th>expect</th><th>rollback</th>
<th>p50</th><th>p95</th><th>errors</th><th>duration</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** "Checks": id, kind, status, blocking, duration, summary and error; then findings per check. */
export function checksSection(result: RunResult): SafeHtml {
  if (result.checks.length === 0) return html`<h2>Checks</h2><p class="muted">No check ran.</p>`;
  const rows = result.checks.map(
    (c) => html`<tr data-check="${c.id}"><td>${c.id}</td><td>${c.kind}</td><td>${statusText(c.status)}</td>
<td>${c.blocking ? 'blocking' : 'advisory'}</td><td class="num">${duration(c.duration_ms)}</td><td>${checkSummary(c)}</td></tr>`,
  );
  return html`<h2>Checks</h2>
<table class="checks"><thead><tr><th>check</th><th>kind</th><th>status</th><th>blocking</th><th>duration</th><th>summary</th></tr></thead>
<tbody>${rows}</tbody></table>
${result.checks.map(findings)}`;
}

function checkSummary(check: CheckResult): SafeHtml {
  return html`${check.summary}${check.error ? html`<br><code>${check.error.code}</code> ${check.error.message}` : ''}${
    check.skip_reason ? html`<br><span class="muted">reason: ${check.skip_reason}</span>` : ''
  }${check.command ? html`<br><code>${check.command.command}</code>` : ''}`;
}

function findings(check: CheckResult): SafeHtml {
  const list = check.findings ?? [];
  if (list.length === 0) return html``;
  const items = list.slice(0, MAX_FINDINGS).map((f) => {
    const where = f.file ? `${f.file}${f.line === undefined ? '' : `:${f.line}`}` : '';
    return html`<li>${where ? html`<code>${where}</code> ` : ''}<code>${f.rule}</code> ${f.message}${
      f.excerpt ? html`<pre class="finding-excerpt">${f.excerpt}</pre>` : ''
    }</li>`;
  });
  const more =
    list.length > MAX_FINDINGS ? html`<li class="muted">… and ${list.length - MAX_FINDINGS} more</li>` : '';
  return html`<h3>${check.id}: ${list.length} finding${list.length === 1 ? '' : 's'}</h3><ul class="findings">${items}${more}</ul>`;
}
