/**
 * The reporters `preflight run` adds for the history and the HTML report: the store
 * (unless `--no-store`) and `--html FILE`. Their modules are loaded only at the end of a run.
 */
import path from 'node:path';
import type { Reporter } from '../report/reporter.js';
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import { storeLocationFor } from '../store/open.js';

/** The history flags of `preflight run`. */
export interface HistoryFlags {
  /** `--store URL|FILE`, or false with `--no-store` (commander's default: true). */
  store?: string | boolean;
  /** `--html FILE`. */
  html?: string;
}

/** Reporters for the store and the HTML report, as the flags ask. */
export function historyReporters(flags: HistoryFlags, planDir: string, redactor: Redactor): Reporter[] {
  const reporters: Reporter[] = [];
  if (flags.store !== false) {
    const location = storeLocationFor(planDir, typeof flags.store === 'string' ? flags.store : undefined);
    reporters.push({
      name: 'history store',
      async onRunEnd(result: RunResult) {
        const { createStoreReporter } = await import('../report/store-reporter.js');
        await createStoreReporter({ location, redactor }).onRunEnd(result);
      },
    });
  }
  if (flags.html) {
    const file = path.resolve(flags.html);
    reporters.push({
      name: 'html',
      async onRunEnd(result: RunResult) {
        const { writeHtmlReport } = await import('../web/report-file.js');
        await writeHtmlReport(file, result, redactor);
      },
    });
  }
  return reporters;
}
