/**
 * "Metrics": the before/after table of the `metrics` check (baseline vs candidate), its SLO
 * checks, the latency distributions of both sides and each path's p95 per round, when the
 * run measured them. The run page, `run --html`, `compare --html` and the dashboard show it.
 */

import { type ChartSet, type ChartSpec, distributionChart } from '../../render/charts.js';
import { html, type SafeHtml } from '../../render/html.js';
import { changeCell, statusText } from '../../render/html-format.js';
import type { HtmlPage, KindView } from '../report.js';
import type { MetricComparison, MetricsResult, PathHistogramResult } from './result.js';
import {
  inconclusiveLines,
  metricsHeadline,
  metricsNotes,
  orderedComparisons,
  verdictText,
} from './table.js';

/** The metrics section of a run's page; empty when the run measured no metrics. */
export function metricsHtml(view: KindView, { charts }: HtmlPage): SafeHtml {
  const metrics = view.run.metrics;
  if (!metrics) return html``;
  const rows = orderedComparisons(metrics)
    .filter((c) => !(c.step !== null && c.metric === 'p99' && c.before === null && c.after === null))
    .map(comparisonRow);
  const notes = metricsNotes(metrics).map((l) => html`<li>${l}</li>`);
  const open = inconclusiveLines(metrics).map((l) => html`<li>${l}</li>`);
  const slo = metrics.slo.map(
    (s) =>
      html`<tr><td>${s.path}</td><td>${s.objective}</td><td class="num">${s.limit}</td><td class="num">${s.actual}</td><td>${statusText(s.pass ? 'pass' : 'fail')}</td></tr>`,
  );
  return html`<h2>Metrics: before / after</h2>
<p class="muted">${metricsHeadline(metrics)}</p>
<ul class="muted">${notes}</ul>
<table class="metrics"><thead><tr><th>path</th><th>step</th><th>metric</th><th>before</th><th>after</th><th>change</th><th>interval</th><th>verdict</th></tr></thead>
<tbody>${rows}</tbody></table>
${open.length > 0 ? html`<h3>Not enough evidence</h3><ul>${open}</ul>` : ''}
${slo.length > 0 ? html`<h3>Service level objectives</h3><table><thead><tr><th>path</th><th>objective</th><th>limit</th><th>actual</th><th>status</th></tr></thead><tbody>${slo}</tbody></table>` : ''}
${distributions(metrics.histograms, charts)}
${rounds(metrics, charts)}
<p class="muted">Method: ${metrics.sequential.method}.</p>`;
}

function comparisonRow(c: MetricComparison): SafeHtml {
  const value = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100) / 100} ${c.unit}`);
  const cls =
    c.verdict === 'regressed'
      ? 'fail'
      : c.verdict === 'improved' || c.verdict === 'unchanged'
        ? 'pass'
        : 'skip';
  const sign = (n: number): string => `${n > 0 ? '+' : ''}${n}`;
  const interval = c.interval ? `[${sign(c.interval[0])}, ${sign(c.interval[1])}]` : '–';
  const change =
    c.change === null && c.reason?.startsWith('n/a')
      ? html`${c.reason}`
      : changeCell(c.change, c.change_unit);
  return html`<tr><td>${c.path}</td><td>${c.step ?? '(path)'}</td><td>${c.metric}</td><td class="num">${value(c.before)}</td><td class="num">${value(c.after)}</td>
<td class="num">${change}</td><td class="num">${interval}</td><td><span class="status-${cls}">${verdictText(c)}</span></td></tr>`;
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

function rounds(metrics: MetricsResult, charts: ChartSet): SafeHtml {
  if (!metrics.blocks || metrics.blocks.length === 0) return html``;
  const paths = [...new Set(metrics.comparisons.map((c) => c.path))];
  return html`<h3>Per round</h3>${paths.map((p) => charts.slot(blocksChart(p, metrics)))}`;
}

/** One path's p95 in each measured round, before and after (warm-up and `alone` blocks left out). */
function blocksChart(path: string, metrics: MetricsResult): ChartSpec {
  const main = (metrics.blocks ?? []).filter((b) => !b.warmup && b.phase === 'main');
  const rounds = [...new Set(main.map((b) => b.round))].sort((a, b) => a - b);
  const p95 = (side: 'baseline' | 'candidate') =>
    rounds.map(
      (r) =>
        main.find((b) => b.round === r && b.side === side)?.paths.find((v) => v.path === path)?.p95 ?? null,
    );
  return {
    kind: 'line',
    title: `${path}: p95 per round (ms; warm-up left out)`,
    xLabel: 'round',
    x: rounds,
    ticks: rounds.map((r) => `round ${r + 1}`),
    series: [
      { label: 'before', unit: 'ms', values: p95('baseline') },
      { label: 'after', unit: 'ms', values: p95('candidate') },
    ],
  };
}
