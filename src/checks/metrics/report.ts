/**
 * The `metrics` check's sections: the before/after table with what was compared and the
 * evidence that stayed short, in the launch record, the terminal summary and the HTML page.
 */
import type { Colors } from '../../render/terminal-style.js';
import type { KindReport, KindView } from '../report.js';
import { metricsHtml } from './report-html.js';
import { metricsRecord } from './report-record.js';
import { inconclusiveLines, metricsHeadline, metricsNotes, metricsTextTable } from './table.js';

/** The headline, the notes, the table and what stayed inconclusive, as terminal lines. */
function metricsTerminal(view: KindView, c: Colors): string[] {
  const m = view.run.metrics;
  if (!m) return [];
  const lines = ['', c.bold(metricsHeadline(m)), ...metricsNotes(m).map((l) => c.dim(l))];
  lines.push(...metricsTextTable(m));
  const open = inconclusiveLines(m);
  if (open.length > 0) lines.push('', ...open.map((l) => c.yellow(`? ${l}`)));
  return lines;
}

export const metricsReport: KindReport = {
  record: metricsRecord,
  terminal: metricsTerminal,
  html: metricsHtml,
};
