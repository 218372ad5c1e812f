/**
 * The comparison of two runs: before (A) and after (B) side by side — verdicts, critical
 * paths (p50/p95/error rate), latency distributions, steps and checks.
 */
import type { PathResult } from '../checks/paths/result.js';
import type { KindReports } from '../checks/report.js';
import { ChartSet, distributionChart } from '../render/charts.js';
import { html, join, type SafeHtml } from '../render/html.js';
import { changeCell, duration, millis, percent, statusText } from '../render/html-format.js';
import type { RunResult } from '../run/result.js';
import { type PathStats, pathStats } from '../store/path-stats.js';
import type { StoredRun } from '../store/types.js';
import { latencyCurve } from './charts.js';
import { refText, relativeChange, runHref, verdictBadge, when } from './format.js';
import { kindSections } from './run-page.js';

/**
 * The body of the comparison of `before` and `after`; `afterKinds`: the sections of the after
 * run's kinds (`loadKindReports`), shown as what it measured.
 */
export function renderCompareBody(before: StoredRun, after: StoredRun, afterKinds: KindReports): SafeHtml {
  const charts = new ChartSet();

  const names = pathNames(before.result, after.result);
  const statsA = new Map(pathStats(before.result).map((s) => [s.path, s]));
  const statsB = new Map(pathStats(after.result).map((s) => [s.path, s]));
  // Charts are numbered in the order their slots are made: the paths' first, then the kinds'.
  const distributions = names.map((n) =>
    charts.slot(distributionChart(n, latencyCurve(before.result, n), latencyCurve(after.result, n))),
  );
  const measured = join(kindSections(after.result, afterKinds, charts));
  return html`<h1>Compare: before / after</h1>
${headerTable(before, after)}
<h2>Critical paths</h2>
<table class="compare-paths"><thead><tr><th>path</th><th>status</th><th>p50 before</th><th>p50 after</th><th>change</th>
<th>p95 before</th><th>p95 after</th><th>change</th><th>errors before</th><th>errors after</th></tr></thead>
<tbody>${names.map((n) => pathRow(n, before.result, after.result, statsA.get(n), statsB.get(n)))}</tbody></table>
${names.length > 0 ? html`<h2>Latency distributions</h2>` : ''}
${distributions}
<h2>Steps</h2>
${names.map((n) => stepsTable(n, before.result, after.result))}
<h2>Checks</h2>
${checksTable(before.result, after.result)}
${measured.value !== '' ? html`<h2>Measured in the after run</h2>${measured}` : ''}
${charts.data()}`;
}

function pathNames(a: RunResult, b: RunResult): string[] {
  return [...new Set([...a.paths.map((p) => p.name), ...b.paths.map((p) => p.name)])];
}

function headerTable(a: StoredRun, b: StoredRun): SafeHtml {
  const row = (label: string, f: (r: StoredRun) => SafeHtml | string) =>
    html`<tr><th>${label}</th><td>${f(a)}</td><td>${f(b)}</td></tr>`;
  return html`<table class="compare-head"><thead><tr><th></th><th>before</th><th>after</th></tr></thead><tbody>
${row('run', (r) => html`<a href="${runHref(r.summary.run_id)}"><code>${r.summary.run_id}</code></a>`)}
${row('verdict', (r) => verdictBadge(r.summary.verdict, r.summary.exit_code))}
${row('version', (r) => r.summary.version ?? '–')}
${row('ref', (r) => refText(r.summary.git_ref, r.summary.git_commit))}
${row('when', (r) => when(r.summary.started_at))}
${row('duration', (r) => duration(r.summary.duration_ms))}
${row('who', (r) => r.summary.who ?? '–')}
${row('reason', (r) => r.summary.reason)}
</tbody></table>`;
}

function pathRow(name: string, a: RunResult, b: RunResult, sa?: PathStats, sb?: PathStats): SafeHtml {
  const status = (r: RunResult) => {
    const p = r.paths.find((x) => x.name === name);
    return p ? statusText(p.status) : html`<span class="muted">not run</span>`;
  };
  const p50 = relativeChange(sa?.p50_ms ?? null, sb?.p50_ms ?? null);
  const p95 = relativeChange(sa?.p95_ms ?? null, sb?.p95_ms ?? null);
  return html`<tr data-path="${name}"><td>${name}</td><td>${status(a)} → ${status(b)}</td>
<td class="num">${millis(sa?.p50_ms)}</td><td class="num">${millis(sb?.p50_ms)}</td><td class="num">${changeCell(p50)}</td>
<td class="num">${millis(sa?.p95_ms)}</td><td class="num">${millis(sb?.p95_ms)}</td><td class="num">${changeCell(p95)}</td>
<td class="num">${percent(sa?.error_pct)}</td><td class="num">${percent(sb?.error_pct)}</td></tr>`;
}

function stepsTable(name: string, a: RunResult, b: RunResult): SafeHtml {
  const pa = a.paths.find((p) => p.name === name);
  const pb = b.paths.find((p) => p.name === name);
  const steps = [...new Set([...(pa?.steps ?? []), ...(pb?.steps ?? [])].map((s) => s.name))];
  const step = (p: PathResult | undefined, s: string) => p?.steps.find((x) => x.name === s);
  const rows = steps.map((s) => {
    const sa = step(pa, s);
    const sb = step(pb, s);
    const change = relativeChange(sa?.duration_ms ?? null, sb?.duration_ms ?? null);
    return html`<tr><td>${s}</td><td>${sa ? statusText(sa.status) : '–'}</td><td>${sb ? statusText(sb.status) : '–'}</td>
<td class="num">${millis(sa?.duration_ms)}</td><td class="num">${millis(sb?.duration_ms)}</td><td class="num">${changeCell(change)}</td></tr>`;
  });
  return html`<h3>${name}</h3><table><thead><tr><th>step</th><th>before</th><th>after</th><th>ms before</th><th>ms after</th><th>change</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function checksTable(a: RunResult, b: RunResult): SafeHtml {
  const ids = [...new Set([...a.checks.map((c) => c.id), ...b.checks.map((c) => c.id)])];
  const rows = ids.map((id) => {
    const ca = a.checks.find((c) => c.id === id);
    const cb = b.checks.find((c) => c.id === id);
    return html`<tr><td>${id}</td><td>${ca ? statusText(ca.status) : '–'}</td><td>${cb ? statusText(cb.status) : '–'}</td>
<td class="num">${duration(ca?.duration_ms)}</td><td class="num">${duration(cb?.duration_ms)}</td><td>${cb?.summary ?? ''}</td></tr>`;
  });
  return html`<table><thead><tr><th>check</th><th>before</th><th>after</th><th>duration before</th><th>duration after</th><th>summary after</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
