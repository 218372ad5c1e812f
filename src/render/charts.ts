/**
 * Chart specifications: plain data that the page's script (`assets/dashboard.js`) draws with
 * uPlot. A page lists its charts in one JSON block and marks where each goes; the same spec
 * is drawn on the dashboard and in the self-contained report. The pages' own charts are in
 * web/charts.ts, a kind's in its folder.
 */
import { html, jsonScript, type SafeHtml } from './html.js';

/** One series of a chart. */
export interface ChartSeries {
  label: string;
  /** `ms` on the left axis, `%` on the right one. */
  unit: 'ms' | '%';
  values: (number | null)[];
}

/** One chart: x positions with their tick labels, and the series drawn over them. */
export interface ChartSpec {
  kind: 'line' | 'bars';
  title: string;
  xLabel: string;
  x: number[];
  /** The label of each x position (a run's version, a step's name, a percentile). */
  ticks: string[];
  series: ChartSeries[];
}

/** Collects a page's charts; `slot` marks where one goes, `data` is the JSON block for the script. */
export class ChartSet {
  readonly #specs: ChartSpec[] = [];

  /** A placeholder the script draws `spec` into, with the chart's title for people and tests. */
  slot(spec: ChartSpec): SafeHtml {
    const index = this.#specs.push(spec) - 1;
    return html`<figure class="chart" data-chart="${index}"><figcaption>${spec.title}</figcaption></figure>`;
  }

  /** The JSON block the page's script reads the charts from. */
  data(): SafeHtml {
    return jsonScript('preflight-charts', this.#specs);
  }

  get size(): number {
    return this.#specs.length;
  }
}

/** Latency by percentile of one critical path, before (run A) and after (run B). */
export function distributionChart(
  path: string,
  before: [number, number][],
  after: [number, number][],
): ChartSpec {
  const percentiles = [...new Set([...before, ...after].map(([p]) => p))].sort((a, b) => a - b);
  const at = (curve: [number, number][]) => {
    const byPercentile = new Map(curve);
    return percentiles.map((p) => byPercentile.get(p) ?? null);
  };
  return {
    kind: 'line',
    title: `${path}: latency distribution (ms by percentile)`,
    xLabel: 'percentile',
    x: percentiles,
    ticks: percentiles.map((p) => `p${p}`),
    series: [
      { label: 'before', unit: 'ms', values: at(before) },
      { label: 'after', unit: 'ms', values: at(after) },
    ],
  };
}
