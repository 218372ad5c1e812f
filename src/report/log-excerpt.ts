/**
 * The last lines of the service's output during a run (its `service_log`), for the history
 * store and the HTML report. Redact before showing: the log is the service's own text.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { tail } from '../render/format.js';
import type { RunResult } from '../run/result.js';

/** Read at most this much of the end of the log. */
const MAX_BYTES = 16 * 1024;

/** The last `maxLines` lines of the run's service log, or null when there is none. */
export async function readServiceLogTail(
  result: RunResult,
  maxLines = 40,
  cwd = process.cwd(),
): Promise<string | null> {
  if (!result.service_log) return null;
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await open(path.resolve(cwd, result.service_log), 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString('utf8');
    // A cut in the middle of a line (or of a character) is dropped.
    if (size > length) text = text.slice(text.indexOf('\n') + 1);
    return tail(text, maxLines).text;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
