/**
 * The `paths` check's sections. They lead the reporters (`lead`): in the launch record the
 * critical paths and a section per failed path after the Summary, in the terminal summary a
 * block per failed path before the failed checks, on the HTML page the failures and the step
 * timing charts before Checks. They close them (`tail`): the step timings before the record's
 * Files touched, the flaky steps before the terminal's verdict.
 */
import type { KindReport, KindView } from '../report.js';
import { pathsLeadHtml } from './report-html.js';
import { failedPathSections, pathsSection, timingsSection } from './report-record.js';
import { failedPathLines, flakyLines } from './report-terminal.js';

export const pathsReport: KindReport = {
  lead: {
    record: (view: KindView) => [...pathsSection(view.run), ...failedPathSections(view.run)],
    terminal: failedPathLines,
    html: pathsLeadHtml,
  },
  tail: {
    record: (view: KindView) => timingsSection(view.run),
    terminal: flakyLines,
  },
};
