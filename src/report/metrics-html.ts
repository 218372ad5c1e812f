/**
 * The HTML report of `preflight compare --html`: one self-contained file (no script, no
 * external asset) with the before/after table, the latency distributions of both sides
 * and the per-block series, drawn as inline SVG from the JSON result.
 */

import type { MetricsResult, PathHistogramResult } from '../checks/metrics/result.js';
import type { RunResult } from '../run/result.js';
import {
  inconclusiveLines,
  METRICS_HEADERS,
  metricsHeadline,
  metricsNotes,
  metricsRows,
} from './metrics-table.js';

const COLORS = { baseline: '#6b7280', candidate: '#2563eb' } as const;
const W = 560;
const H = 220;
const PAD = 40;

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Series {
  label: keyof typeof COLORS;
  points: [number, number][];
  dots?: boolean;
}

/** A small line/dot chart; x positions are given in [0, 1]. */
function chart(title: string, series: Series[], xLabels: [number, string][], yUnit: string): string {
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const yMax = Math.max(1, ...ys) * 1.1;
  const x = (v: number): number => PAD + v * (W - 2 * PAD);
  const y = (v: number): number => H - PAD + 10 - (v / yMax) * (H - 2 * PAD);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(yMax * f * 10) / 10;
    return `<line x1="${PAD}" x2="${W - PAD}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${PAD - 4}" y="${y(v) + 4}" text-anchor="end">${v}</text>`;
  });
  const labels = xLabels.map(
    ([v, t]) => `<text x="${x(v)}" y="${H - 8}" text-anchor="middle">${esc(t)}</text>`,
  );
  const drawn = series.map((s) => {
    const color = COLORS[s.label];
    if (s.dots)
      return s.points
        .map(([px, py]) => `<circle cx="${x(px)}" cy="${y(py)}" r="3.5" fill="${color}"/>`)
        .join('');
    const d = s.points
      .map(([px, py], i) => `${i ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`)
      .join('');
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`;
  });
  const legend = (['baseline', 'candidate'] as const).map(
    (l, i) =>
      `<rect x="${W - 170 + i * 85}" y="6" width="10" height="10" fill="${COLORS[l]}"/><text x="${W - 156 + i * 85}" y="15">${l}</text>`,
  );
  return `<figure><figcaption>${esc(title)} (${esc(yUnit)})</figcaption><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-size="10" font-family="sans-serif">${grid.join('')}${labels.join('')}${drawn.join('')}${legend.join('')}</svg></figure>`;
}

/** Percentile p mapped to [0, 1] on a "nines" scale, as HDR plots do. */
function nines(p: number): number {
  return Math.min(1, Math.log10(100 / Math.max(0.001, 100 - p)) / 3);
}

function distributionChart(
  path: string,
  before: PathHistogramResult | undefined,
  after: PathHistogramResult | undefined,
): string {
  const series: Series[] = [];
  if (before)
    series.push({ label: 'baseline', points: before.distribution.map(([p, ms]) => [nines(p), ms]) });
  if (after) series.push({ label: 'candidate', points: after.distribution.map(([p, ms]) => [nines(p), ms]) });
  const ticks: [number, string][] = [0, 90, 99, 99.9].map((p) => [nines(p), `p${p}`]);
  return chart(`${path}: latency by percentile`, series, ticks, 'ms');
}

function blocksChart(path: string, m: MetricsResult): string {
  const blocks = m.blocks ?? [];
  const last = Math.max(1, blocks.length - 1);
  const series = (['baseline', 'candidate'] as const).map((side) => ({
    label: side,
    dots: true,
    points: blocks
      .filter((b) => b.side === side && !b.warmup && b.phase === 'main')
      .map((b) => [b.index / last, b.paths.find((p) => p.path === path)?.p95 ?? 0] as [number, number]),
  }));
  const ticks: [number, string][] = [0, 0.5, 1].map((f) => [f, `block ${Math.round(f * last) + 1}`]);
  return chart(`${path}: p95 per block (warm-up blocks left out)`, series, ticks, 'ms');
}

/** The whole HTML report of a result with metrics. */
export function renderMetricsHtml(result: RunResult): string {
  const m = result.metrics;
  const body: string[] = [
    `<h1>preflight compare: ${esc(result.service.name)}</h1>`,
    `<p>${esc(result.reason)}</p>`,
  ];
  if (m) {
    body.push(`<p>${esc(metricsHeadline(m))}</p>`);
    body.push(
      `<ul>${metricsNotes(m)
        .map((l) => `<li>${esc(l)}</li>`)
        .join('')}</ul>`,
    );
    const head = `<tr>${METRICS_HEADERS.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
    const rows = metricsRows(m).map((r) => {
      const verdict = (r[7] ?? '').split(/[ ,]/)[0] ?? '';
      const step = r[1] === '(path)' ? '' : ' step';
      return `<tr class="${esc(verdict)}${step}">${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
    });
    body.push(`<table>${head}${rows.join('')}</table>`);
    const open = inconclusiveLines(m);
    if (open.length > 0)
      body.push(`<h3>Not enough evidence</h3><ul>${open.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);
    body.push(`<p class="method">Method: ${esc(m.sequential.method)}.</p>`);
    for (const path of new Set(m.comparisons.map((c) => c.path))) {
      const before = m.histograms?.baseline.find((h) => h.path === path);
      const after = m.histograms?.candidate.find((h) => h.path === path);
      body.push(
        `<h2>${esc(path)}</h2><div class="charts">${distributionChart(path, before, after)}${blocksChart(path, m)}</div>`,
      );
    }
  } else body.push('<p>No metrics were measured.</p>');
  const style =
    'body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px}tr.regressed td{background:#fee2e2}tr.improved td{background:#dcfce7}tr.inconclusive td{background:#fef9c3}tr.step td:nth-child(-n+1){color:#6b7280}.method{font-size:12px;color:#6b7280}.charts{display:flex;flex-wrap:wrap;gap:1em}figcaption{font-size:13px;font-weight:bold}';
  return `<!doctype html><html><head><meta charset="utf-8"><title>preflight compare</title><style>${style}</style></head><body>${body.join('\n')}</body></html>\n`;
}
