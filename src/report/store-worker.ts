/**
 * The history store's writer thread (see store-writer.ts): opens the store as soon as it starts,
 * while the run is still going, then writes the one run it is sent, answers, and ends. It loads
 * only the store: the main thread redacts what is kept.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunResult } from '../run/result.js';
import { openStore, type StoreLocation } from '../store/open.js';
import type { RecordInput, RunStore } from '../store/types.js';
import type { StoreWriterReply } from './store-writer.js';

const port = parentPort;
if (!port) throw new Error('store-worker runs as a worker thread');
const { location } = workerData as { location: StoreLocation };
const opening: Promise<RunStore> = openStore(location);
// Reported when the run comes (if it never does, the process was not going to record).
opening.catch(() => {});

/** What the main thread sends: the redacted result as JSON (a string crosses threads in one copy). */
export interface StoreWorkerMessage {
  result_json: string;
  logs_excerpt: string | null;
}

port.once('message', (message: StoreWorkerMessage) => {
  const input: RecordInput = {
    ...message,
    result: JSON.parse(message.result_json) as RunResult,
    record_md: null,
  };
  write(input).then(
    () => port.postMessage({ ok: true } satisfies StoreWriterReply),
    (error: unknown) => port.postMessage({ ok: false, error: describe(error) } satisfies StoreWriterReply),
  );
});

async function write(input: RecordInput): Promise<void> {
  const store = await opening;
  try {
    await store.recordRun(input);
  } finally {
    await store.close();
  }
}

function describe(error: unknown): { message: string; code?: string } {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return {
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
