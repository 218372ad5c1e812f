/**
 * `--html FILE`: one run as a self-contained HTML file — the run's page with the chart
 * library, the page script and the styles inlined, readable offline and from a CI artefact.
 */
import { loadKindReports } from '../checks/registry.js';
import { readServiceLogTail } from '../report/log-excerpt.js';
import { renderRecord } from '../report/record.js';
import type { Reporter } from '../report/reporter.js';
import { writeFileRedacted } from '../report/sink.js';
import type { RunResult } from '../run/result.js';
import { verdictLabel } from '../run/verdict.js';
import type { Redactor } from '../secrets/redactor.js';
import { whoRan } from '../store/write.js';
import { inlineAssets } from './assets.js';
import { renderPage } from './layout.js';
import { renderRunBody, summaryOf } from './run-page.js';

/** The self-contained HTML report of a result. Redact the result first (`writeHtmlReport` does). */
export async function renderHtmlReport(
  result: RunResult,
  extras: { logs_excerpt: string | null; who: string | null },
): Promise<string> {
  const kinds = await loadKindReports(result);
  const run = {
    summary: summaryOf(result, extras.who),
    result,
    record_md: renderRecord(result, kinds),
    logs_excerpt: extras.logs_excerpt,
  };
  const verdict = verdictLabel(result);
  return renderPage({
    title: `preflight: ${verdict} ${result.service.name} ${result.run_id}`,
    body: renderRunBody(run, kinds, { dashboard: false }),
    assets: { kind: 'inline', ...(await inlineAssets()) },
  });
}

/** Write the HTML report of `result` to `file`, redacted. */
export async function writeHtmlReport(file: string, result: RunResult, redactor: Redactor): Promise<void> {
  // Redact the values before they are escaped, so every form of a secret is caught.
  const safe = redactor.redactValue(result);
  const logs = await readServiceLogTail(safe);
  const page = await renderHtmlReport(safe, {
    logs_excerpt: logs === null ? null : redactor.redact(logs),
    who: whoRan(),
  });
  await writeFileRedacted(file, page, redactor);
}

/** A reporter that writes the HTML report at the end of the run. */
export function createHtmlReporter(file: string, redactor: Redactor): Reporter {
  return { name: 'html', onRunEnd: (result) => writeHtmlReport(file, result, redactor) };
}
