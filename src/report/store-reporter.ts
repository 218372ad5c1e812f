/**
 * The history reporter: at the end of a run, records the (redacted) result, its launch record
 * and the tail of the service log into the store. The store's driver is loaded only here.
 */
import { loadKindReports } from '../checks/registry.js';
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import type { StoreLocation } from '../store/open.js';
import type { RecordInput } from '../store/types.js';
import { readServiceLogTail } from './log-excerpt.js';
import { renderRecord } from './record.js';
import type { Reporter } from './reporter.js';

/** Options of `createStoreReporter`. */
export interface StoreReporterOptions {
  location: StoreLocation;
  redactor: Redactor;
}

/** What the store keeps of a result: every field and text redacted. */
export async function recordInputOf(result: RunResult, redactor: Redactor): Promise<RecordInput> {
  const safe = redactor.redactValue(result);
  const logs = await readServiceLogTail(safe);
  return {
    result: safe,
    record_md: redactor.redact(renderRecord(safe, await loadKindReports(safe))),
    logs_excerpt: logs === null ? null : redactor.redact(logs),
  };
}

/** A reporter that records each run into the store at `location`. */
export function createStoreReporter(options: StoreReporterOptions): Reporter {
  return {
    name: 'history store',
    async onRunEnd(result: RunResult) {
      const input = await recordInputOf(result, options.redactor);
      const { openStore } = await import('../store/open.js');
      const store = await openStore(options.location);
      try {
        await store.recordRun(input);
      } finally {
        await store.close();
      }
    },
  };
}
