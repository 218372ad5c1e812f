/**
 * Why the critical paths failed on staging, from staging's log: a database error about a
 * column or table that is not there (a destructive migration met code that still reads
 * it), else the last exception staging logged.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { scanLog } from '../logs/scan.js';
import { scrubLogLine } from '../logs/scrub.js';
import { fileSize, readWindow } from '../logs/window.js';
import type { Staging } from './staging.js';

const SCHEMA_ERRORS = [
  /no such column: [\w."]+/i,
  /has no column named [\w."]+/i,
  /column "?[\w.]+"? (of relation "?[\w.]+"? )?does not exist/i,
  /no such table: [\w."]+/i,
  /relation "?[\w.]+"? does not exist/i,
  /Unknown column '[\w.]+'/i,
];

const SETTLE_MS = 500;

/** A mark in staging's log, taken before a phase; `explain` reads what came after it. */
export interface LogMark {
  size: number | null;
  at: Date;
}

/** The size of staging's log now. */
export async function markLog(staging: Staging): Promise<LogMark> {
  return { size: staging.logFile ? await fileSize(staging.logFile) : null, at: new Date() };
}

/** What staging's log says went wrong since `mark`, or null. */
export async function explainFromLog(
  staging: Staging,
  mark: LogMark,
): Promise<{ schema: boolean; text: string } | null> {
  if (!staging.logFile) return null;
  // The server logs an exception after it sent the 500: give the last lines time to land.
  await sleep(SETTLE_MS);
  const read = await readWindow(staging.logFile, mark.size ?? 0, { start: mark.at, end: new Date() }).catch(
    () => null,
  );
  if (!read) return null;
  const clean = (s: string): string => staging.ctx.redactor.redact(scrubLogLine(s.trim())).slice(0, 300);
  for (const line of read.lines) {
    for (const re of SCHEMA_ERRORS) {
      const m = re.exec(line.text);
      if (m) return { schema: true, text: clean(errorClause(line.text, m.index)) };
    }
  }
  const { events } = scanLog(read.lines);
  const last = events.filter((e) => e.kind === 'traceback').pop() ?? events.pop();
  return last ? { schema: false, text: clean(last.headline) } : null;
}

/** The exception clause around a match: `sqlalchemy.exc.OperationalError: (…) no such column: x`. */
function errorClause(text: string, index: number): string {
  const exception = /[\w.]+(Error|Exception)\b/.exec(text.slice(0, index));
  return text.slice(exception ? exception.index : index).split(/\s+\[SQL:/)[0] as string;
}
