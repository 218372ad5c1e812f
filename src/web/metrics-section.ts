/**
 * "Metrics": the before/after table of the `metrics` check (baseline vs candidate), its SLO
 * checks, and the latency distributions of both sides, when the run measured them.
 */

import type { RunResult } from '../result.js';
import type { MetricComparison, PathHistogramResult } from '../result-metrics.js';
import { type ChartSet, distributionChart } from './charts.js';
import { changeCell, statusText } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The metrics section of a run's page; empty when the run measured no metrics. */
export function metricsSection(result: RunResult, charts: ChartSet): SafeHtml {
  const metrics = result.metrics;
  if (!metrics) return html``;
  const rows = metrics.comparisons.map(comparisonRow);
  const slo = metrics.slo.map(
    (s) =>
      html`<tr><td>${s.path}</td><td>${s.objective}</td><td class="num">${s.limit}</td><td class="num">${s.actual}</td><td>${statusText(s.pass ? 'pass' : 'fail')}</td></tr>`,
  );
  return html`<h2>Metrics: before / after</h2>
<p class="muted">baseline ${metrics.baseline.ref}${metrics.baseline.resolved ? ` (${metrics.baseline.resolved})` : ''} vs candidate ${metrics.candidate.ref}</p>
<table class="metrics"><thead><tr><th>path</th><th>metric</th><th>before</th><th>after</th><th>change</th><th>verdict</th></tr></thead>
<tbody>${rows}</tbody></table>
${slo.length > 0 ? html`<h3>Service level objectives</h3><table><thead><tr><th>path</th><th>objective</th><th>limit</th><th>actual</th><th>status</th></tr></thead><tbody>${slo}</tbody></table>` : ''}
${distributions(metrics.histograms, charts)}`;
}

function comparisonRow(c: MetricComparison): SafeHtml {
  const value = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100) / 100} ${c.unit}`);
  const cls = c.verdict === 'regressed' ? 'fail' : c.verdict === 'improved' ? 'pass' : 'skip';
  return html`<tr><td>${c.path}</td><td>${c.metric}</td><td class="num">${value(c.before)}</td><td class="num">${value(c.after)}</td>
<td class="num">${changeCell(c.change, c.change_unit)}</td><td><span class="status-${cls}">${c.verdict}</span></td></tr>`;
}

function distributions(
  histograms: { baseline: PathHistogramResult[]; candidate: PathHistogramResult[] } | undefined,
  charts: ChartSet,
): SafeHtml {
  if (!histograms) return html``;
  const before = new Map(histograms.baseline.map((h) => [h.path, h.distribution]));
  const slots = histograms.candidate.map((h) =>
    charts.slot(distributionChart(h.path, before.get(h.path) ?? [], h.distribution)),
  );
  return slots.length > 0 ? html`<h3>Latency distributions</h3>${slots}` : html``;
}
