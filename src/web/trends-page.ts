/**
 * The trends page: per critical path of a service, p50/p95 and error rate across its last
 * runs (releases), as a chart and as a table.
 */

import { ChartSet } from '../render/charts.js';
import { html, type SafeHtml } from '../render/html.js';
import { millis, percent, statusText } from '../render/html-format.js';
import type { PathTrendPoint } from '../store/types.js';
import { trendChart } from './charts.js';
import { runHref, verdictBadge, when } from './format.js';

/** The trend points of each service to show. */
export interface TrendsPageData {
  services: { service: string; points: PathTrendPoint[] }[];
}

/** The body of the trends page. */
export function renderTrendsBody(data: TrendsPageData): SafeHtml {
  const charts = new ChartSet();
  const sections = data.services.map(({ service, points }) => serviceSection(service, points, charts));
  return html`<h1>Trends per critical path</h1>
<p class="muted">p50 / p95 come from the load probe when the run measured metrics, else from the run's step timings; the error rate is the share of failed samples.</p>
${sections.length > 0 ? sections : html`<p>No run recorded yet.</p>`}
${charts.data()}`;
}

function serviceSection(service: string, points: PathTrendPoint[], charts: ChartSet): SafeHtml {
  const byPath = new Map<string, PathTrendPoint[]>();
  for (const point of points) byPath.set(point.path, [...(byPath.get(point.path) ?? []), point]);
  const paths = [...byPath.entries()].map(([path, list]) => pathSection(path, list, charts));
  return html`<section class="service-trends" data-service="${service}"><h2>${service}</h2>
${paths.length > 0 ? paths : html`<p class="muted">No critical path ran in these runs.</p>`}</section>`;
}

function pathSection(path: string, points: PathTrendPoint[], charts: ChartSet): SafeHtml {
  const owner = points.at(-1)?.owner ?? '';
  const rows = [...points].reverse().map(
    (p) =>
      html`<tr><td><a href="${runHref(p.run_id)}">${when(p.started_at)}</a></td><td>${verdictBadge(p.verdict)}</td><td>${p.version ?? p.git_ref ?? '–'}</td>
<td>${statusText(p.status)}</td><td class="num">${millis(p.p50_ms)}</td><td class="num">${millis(p.p95_ms)}</td><td class="num">${percent(p.error_pct)}</td>
<td class="num">${p.samples}</td><td>${p.source}</td></tr>`,
  );
  return html`<h3>${path} <span class="muted">owner ${owner}</span></h3>
${charts.slot(trendChart(path, points))}
<details><summary>numbers (${points.length} runs)</summary>
<table><thead><tr><th>run</th><th>verdict</th><th>version</th><th>status</th><th>p50</th><th>p95</th><th>errors</th><th>samples</th><th>from</th></tr></thead>
<tbody>${rows}</tbody></table></details>`;
}
