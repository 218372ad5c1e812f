/**
 * The launch record's "Metrics before/after" section: what was compared, the table of
 * changes with intervals and verdicts, and the SLOs checked on the candidate.
 */

import { mdTable, mdText } from '../../render/markdown.js';
import type { KindView } from '../report.js';
import { inconclusiveLines, METRICS_HEADERS, metricsHeadline, metricsNotes, metricsRows } from './table.js';

/** "Metrics before/after": empty when the run did not measure metrics. */
export function metricsRecord(view: KindView): string[] {
  const metrics = view.run.metrics;
  if (!metrics) return [];
  const blocks = ['## Metrics before/after', mdText(metricsHeadline(metrics))];
  blocks.push(
    metricsNotes(metrics)
      .map((l) => `- ${mdText(l)}`)
      .join('\n'),
  );
  blocks.push(mdTable(METRICS_HEADERS, metricsRows(metrics)));
  const open = inconclusiveLines(metrics);
  if (open.length > 0) blocks.push(`Not enough evidence:\n\n${open.map((l) => `- ${mdText(l)}`).join('\n')}`);
  blocks.push(mdText(`Method: ${metrics.sequential.method}.`));
  if (metrics.slo.length > 0) {
    const rows = metrics.slo.map((s) => [
      s.path,
      s.objective,
      String(s.limit),
      String(s.actual),
      s.pass ? 'pass' : 'FAIL',
    ]);
    blocks.push('SLOs on the candidate:', mdTable(['path', 'objective', 'limit', 'actual', 'status'], rows));
  }
  return blocks;
}
