/**
 * Recording a run off the critical path. A worker thread loads the store's driver and opens (and
 * migrates) the store while the run is still going; at the end the main thread redacts the
 * result, hands it over as JSON, and prints the verdict while the worker writes and commits. The run waits for the worker's answer before it exits, so the
 * history is written when preflight returns, and an error of the store is reported as before.
 */
import type { Worker } from 'node:worker_threads';
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import type { StoreLocation } from '../store/open.js';
import type { RecordInput } from '../store/types.js';
import { StoreError, type StoreErrorCode } from '../store/types.js';
import { startWorker } from '../worker.js';
import type { Reporter } from './reporter.js';
import type { StoreWorkerMessage } from './store-worker.js';

/** The worker's answer to a result. */
export type StoreWriterReply = { ok: true } | { ok: false; error: { message: string; code?: string } };

/** A started writer: `write` once. */
export interface StoreWriter {
  /** Write `input` (already redacted); resolves once committed. */
  write(input: RecordInput): Promise<void>;
}

/** Start the writer thread for the store at `location`; it opens the store at once. */
export function startStoreWriter(location: StoreLocation): StoreWriter {
  const worker = startWorker(import.meta.url, 'store-worker', { workerData: { location } });
  // Until it is sent a result, the writer does not keep the process alive (a run that ended in
  // an error exits without recording, as before).
  worker.unref();
  let exited: Error | null = null;
  const crashed = new Promise<never>((_, reject) => {
    worker.once('error', (error) => reject(wrap(error.message)));
    worker.once('exit', () => {
      exited ??= wrap('the history store writer stopped before it recorded the run');
      reject(exited);
    });
  });
  crashed.catch(() => {});
  return {
    write(input) {
      if (exited) return Promise.reject(exited);
      worker.ref();
      const reply = new Promise<StoreWriterReply>((resolve) => worker.once('message', resolve));
      // Serialized now: what changes the result later does not reach the history.
      worker.postMessage({
        result_json: input.result_json ?? JSON.stringify(input.result),
        logs_excerpt: input.logs_excerpt ?? null,
      } satisfies StoreWorkerMessage);
      return Promise.race([reply, crashed])
        .then((answer) => {
          if (!answer.ok) throw wrap(answer.error.message, answer.error.code);
        })
        .finally(() => terminate(worker));
    },
  };
}

async function terminate(worker: Worker): Promise<void> {
  await worker.terminate().catch(() => {});
}

function wrap(message: string, code?: string): Error {
  return code?.startsWith('STORE_') ? new StoreError(code as StoreErrorCode, message) : new Error(message);
}

/**
 * The history reporter: starts the writer when the run starts; at the end, redacts what is kept
 * (`recordInputOf`) and hands it over; `flush` waits until it is committed. Listed before the
 * terminal, so the verdict is printed while the store writes.
 */
export function createStoreReporter(location: StoreLocation, redactor: Redactor): Reporter {
  let writer: StoreWriter | undefined;
  let pending: Promise<void> | undefined;
  return {
    name: 'history store',
    onRunStart() {
      writer ??= startStoreWriter(location);
    },
    async onRunEnd(result: RunResult) {
      writer ??= startStoreWriter(location);
      const { recordInputOf } = await import('./store-reporter.js');
      pending = writer.write(await recordInputOf(result, redactor));
      pending.catch(() => {});
    },
    async flush() {
      await pending;
    },
  };
}
