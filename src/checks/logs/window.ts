/**
 * The run's time window in logs: the timestamp of a line, the lines of a text that fall
 * inside a window, and the bytes a file gained since the run started.
 */
import { open, stat } from 'node:fs/promises';
import type { LogLine } from './scan.js';

/** From the run's start to the moment the logs are read. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

const STAMP =
  /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|UTC|[+-]\d{2}:?\d{2})?/;
/** Lines and files are read up to this many bytes (the newest ones). */
export const MAX_BYTES = 8 * 1024 * 1024;
/** Clocks of the log writer and of preflight may differ a little. */
const SLACK_MS = 2000;

/** The time of a line that carries an ISO-like timestamp near its start, or null. */
export function lineTime(text: string): Date | null {
  const m = STAMP.exec(text.slice(0, 80));
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const ms = frac ? Number(`0.${frac}`) * 1000 : 0;
  const parts = [
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Math.round(ms),
  ] as const;
  if (!zone) return new Date(...parts);
  const utc = Date.UTC(...parts);
  if (zone === 'Z' || zone === 'UTC') return new Date(utc);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  return new Date(utc - sign * offset);
}

/**
 * The lines of `text` inside the window. A line without a timestamp belongs with the last
 * timestamped line before it (a traceback under its log line); lines before any timestamp
 * are kept when `keepUndated` (text that is known to be new, such as bytes appended in the run).
 */
export function linesInWindow(
  text: string,
  window: TimeWindow,
  keepUndated: boolean,
  firstLine = 1,
): LogLine[] {
  const from = window.start.getTime() - SLACK_MS;
  const to = window.end.getTime() + SLACK_MS;
  const out: LogLine[] = [];
  let inside = keepUndated;
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  lines.forEach((line, index) => {
    const time = lineTime(line);
    if (time) inside = time.getTime() >= from && time.getTime() <= to;
    if (inside && line !== '') out.push({ text: line, line: firstLine > 0 ? firstLine + index : null });
  });
  return out;
}

/** The size of a file now, or null when it does not exist. */
export async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

/**
 * What a file holds for the window: the bytes appended since the run started when the file
 * grew (`sizeAtStart` known), else the whole file (rotated or new) filtered by timestamps.
 */
export async function readWindow(
  file: string,
  sizeAtStart: number | null,
  window: TimeWindow,
): Promise<{ lines: LogLine[]; from: 'appended' | 'timestamps' } | null> {
  const size = await fileSize(file);
  if (size === null) return null;
  const appended = sizeAtStart !== null && size >= sizeAtStart;
  const start = appended ? Math.max(sizeAtStart, size - MAX_BYTES) : Math.max(0, size - MAX_BYTES);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    // Line numbers are known only when the whole file was read.
    const firstLine = start === 0 ? 1 : 0;
    return {
      lines: linesInWindow(text, window, appended, firstLine),
      from: appended ? 'appended' : 'timestamps',
    };
  } finally {
    await handle.close();
  }
}

/** Timestamped lines looked at around an undated event (its log record's line, an access line). */
const NEAR_LINES = 5;

/**
 * When an event was logged: the timestamp on its first line, else on the nearest line before it
 * (the record a traceback is printed under), else on the first line after it; null when none.
 */
export function eventTime(lines: readonly LogLine[], event: { index: number; lines: string[] }): Date | null {
  const own = lineTime(lines[event.index]?.text ?? '');
  if (own) return own;
  for (let i = event.index - 1; i >= Math.max(0, event.index - NEAR_LINES); i--) {
    const time = lineTime(lines[i]?.text ?? '');
    if (time) return time;
  }
  const after = event.index + event.lines.length;
  for (let i = after; i < Math.min(lines.length, after + NEAR_LINES); i++) {
    const time = lineTime(lines[i]?.text ?? '');
    if (time) return time;
  }
  return null;
}
