/**
 * The reporters `preflight run` adds for the history and the HTML report: the store
 * (unless `--no-store`) and `--html FILE`. The store's writer starts with the run, in a thread
 * of its own; the HTML report's module is loaded only at the end of a run.
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

/**
 * The store's reporter, unless `--no-store`. List it before the terminal: it hands the result to
 * its thread and the verdict is printed while the store writes.
 */
export function storeReporters(
  flags: Pick<HistoryFlags, 'store'>,
  planDir: string,
  redactor: Redactor,
): Reporter[] {
  const reporters: Reporter[] = [];
  if (flags.store !== false) {
    const location = storeLocationFor(planDir, typeof flags.store === 'string' ? flags.store : undefined);
    let store: Promise<Reporter> | undefined;
    const load = (): Promise<Reporter> =>
      (store ??= import('../report/store-writer.js').then((m) => m.createStoreReporter(location, redactor)));
    reporters.push({
      name: 'history store',
      // The writer thread starts with the run, so the store is open by its end.
      onRunStart(info) {
        load().then(
          (r) => r.onRunStart?.(info),
          () => {}, // reported by onRunEnd, which loads it again
        );
      },
      async onRunEnd(result: RunResult) {
        await (await load()).onRunEnd(result);
      },
      async flush() {
        await (await load()).flush?.();
      },
    });
  }
  return reporters;
}

/** The HTML report's reporter, when `--html FILE` asks for one. */
export function htmlReporters(flags: Pick<HistoryFlags, 'html'>, redactor: Redactor): Reporter[] {
  const reporters: Reporter[] = [];
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
