/**
 * The before/after table of the `metrics` check, as rows of text cells, shared by the
 * terminal summary, the launch record and the HTML report. Drawn from the result.
 */
import type { MetricComparison, MetricsResult } from '../result-metrics.js';

/** Column headers of the before/after table. */
export const METRICS_HEADERS = ['path', 'metric', 'before', 'after', 'change', 'interval', 'verdict'];

function value(v: number | null, unit: MetricComparison['unit']): string {
  if (v === null) return '–';
  return unit === 'ms' ? `${v} ms` : unit === '%' ? `${v} %` : `${v}/s`;
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n}`;
}

/** One comparison as table cells. */
export function comparisonCells(c: MetricComparison): string[] {
  const unit = c.change_unit === '%' ? '%' : ' pp';
  const change = c.change === null ? '–' : `${signed(c.change)}${unit}`;
  const interval = c.interval ? `[${signed(c.interval[0])}, ${signed(c.interval[1])}]` : '–';
  const verdict = c.verdict === 'regressed' && !c.blocking ? 'regressed (advisory)' : c.verdict;
  return [c.path, c.metric, value(c.before, c.unit), value(c.after, c.unit), change, interval, verdict];
}

/** Every comparison row of a metrics result. */
export function metricsRows(metrics: MetricsResult): string[][] {
  return metrics.comparisons.map(comparisonCells);
}

/** The table as aligned plain-text lines. */
export function metricsTextTable(metrics: MetricsResult): string[] {
  const rows = [METRICS_HEADERS, ...metricsRows(metrics)];
  const widths = METRICS_HEADERS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** One line about what was compared. */
export function metricsHeadline(metrics: MetricsResult): string {
  const s = metrics.settings;
  return `baseline ${metrics.baseline.resolved ?? metrics.baseline.ref} vs candidate ${metrics.candidate.ref}: ${metrics.baseline.blocks}+${metrics.candidate.blocks} measured blocks of ${s.block_ms / 1000} s at ${Math.round(s.rate * 100) / 100} iterations/s per path`;
}
