/**
 * Reading one Python traceback out of log lines: from "Traceback (most recent call last):"
 * (or "+ Exception Group Traceback") through its exception line, following "During handling
 * of the above exception" chains, and the excerpt a reviewer reads (head and tail kept).
 * Pure: lines in, a span out.
 */

/** The first line of a traceback, plain or of an exception group (`  + Exception Group Traceback`). */
export const TRACEBACK_HEADER = /(?:\+ )?(?:Exception Group )?Traceback \(most recent call last\):/;
const PLAIN_HEADER = /^Traceback \(most recent call last\):/;
const GROUP_HEADER = /^\s*\+ Exception Group Traceback \(most recent call last\):/;
const CHAIN =
  /^(During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)/;
/** Lines of an exception group are drawn with `|` and `+---` in front. */
const GROUP_LINE = /^\s*[|+]/;
/** How far a traceback is followed (frames of deep stacks, exception groups, chains). */
export const MAX_TRACEBACK_LINES = 1000;
/** Blank or indented lines allowed between an exception line and a chain marker (a message over lines). */
const CHAIN_LOOKAHEAD = 12;

/** Where a traceback starts and ends in the lines, and what it says. */
export interface TracebackSpan {
  /** Index after its last line. */
  end: number;
  /** The exception line (the last one of a chain), without the prefix; null when the log ends first. */
  exception: string | null;
  /** Exceptions in the order raised (several for a chain). */
  chain: string[];
}

/** Read the traceback whose header is at `start` (its text, prefix included). */
export function readTraceback(texts: readonly string[], start: number): TracebackSpan {
  const header = texts[start] as string;
  // A prefix before "Traceback" (journald's "date host unit[pid]: ") is on every line of it.
  let at = header.search(TRACEBACK_HEADER);
  // Python draws a top-level group's header two spaces in: those belong to the traceback.
  if (header.startsWith('+', at) && header.slice(Math.max(0, at - 2), at) === '  ') at -= 2;
  const prefix = header.slice(0, at);
  const strip = (raw: string): string => (prefix && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw);
  const limit = Math.min(texts.length, start + MAX_TRACEBACK_LINES);
  const chain: string[] = [];
  let i = start;
  for (;;) {
    const segment = readSegment(texts, i, limit, strip);
    if (segment.exception === null) return { end: segment.end, exception: null, chain };
    chain.push(segment.exception);
    const next = chainedHeader(texts, segment.end, limit, strip);
    if (next === null) return { end: segment.end, exception: segment.exception, chain };
    i = next;
  }
}

/** One traceback of a chain: its end and its exception line (null when the lines end first). */
function readSegment(
  texts: readonly string[],
  start: number,
  limit: number,
  strip: (raw: string) => string,
): { end: number; exception: string | null } {
  if (GROUP_HEADER.test(strip(texts[start] as string))) return readGroup(texts, start, limit, strip);
  for (let j = start + 1; j < limit; j++) {
    const text = strip(texts[j] as string);
    if (text.trim() === '') continue;
    // A new traceback before an exception line: this one was cut (a crashed writer).
    if (PLAIN_HEADER.test(text) || GROUP_HEADER.test(text)) return { end: j, exception: null };
    // Frames are indented; the first line that is not is the exception.
    if (!/^\s/.test(text)) return { end: j + 1, exception: text.trim() };
  }
  return { end: limit, exception: null };
}

/**
 * An exception group: every line drawn with `|` or `+`. Its exception line is the first
 * sub-exception that is not itself a group (what actually went wrong), else the group's own.
 */
function readGroup(
  texts: readonly string[],
  start: number,
  limit: number,
  strip: (raw: string) => string,
): { end: number; exception: string | null } {
  const exceptions: string[] = [];
  let closed = false;
  let j = start + 1;
  for (; j < limit; j++) {
    const text = strip(texts[j] as string);
    if (!GROUP_LINE.test(text)) break;
    if (/^\s*\+-+\s*$/.test(text)) closed = true;
    const inner = text.replace(/^\s*\|\s?/, '');
    if (/^\s*\+/.test(text) || inner.trim() === '' || /^\s/.test(inner)) continue;
    if (TRACEBACK_HEADER.test(inner) || CHAIN.test(inner)) continue;
    exceptions.push(inner.trim());
  }
  if (exceptions.length === 0) return { end: j, exception: null };
  const leaf = exceptions.find((e) => !/^(?:[\w.]+\.)?\w*ExceptionGroup\b/.test(e));
  const exception = leaf ?? (exceptions[0] as string);
  // A group whose closing line never came was cut off by the end of the log.
  return { end: j, exception: closed || j < limit ? exception : null };
}

/** The index of the traceback a chain marker after `from` leads to, else null. */
function chainedHeader(
  texts: readonly string[],
  from: number,
  limit: number,
  strip: (raw: string) => string,
): number | null {
  let j = from;
  const lookahead = Math.min(limit, from + CHAIN_LOOKAHEAD);
  while (j < lookahead && !CHAIN.test(strip(texts[j] as string))) {
    const text = strip(texts[j] as string);
    if (text.trim() !== '' && !/^\s/.test(text)) return null;
    j++;
  }
  if (j >= lookahead) return null;
  for (let k = j + 1; k < Math.min(limit, j + 4); k++) {
    const text = strip(texts[k] as string);
    if (PLAIN_HEADER.test(text) || GROUP_HEADER.test(text)) return k;
    if (text.trim() !== '') return null;
  }
  return null;
}

/** Lines kept at the start and at the end of a long traceback's excerpt. */
export const EXCERPT_HEAD = 6;
export const EXCERPT_TAIL = 18;

/** The excerpt of a block: whole when short, else its first and last lines around a count of what was left out. */
export function excerptLines(lines: readonly string[], head = EXCERPT_HEAD, tail = EXCERPT_TAIL): string[] {
  if (lines.length <= head + tail + 1) return [...lines];
  const elided = lines.length - head - tail;
  return [...lines.slice(0, head), `… ${elided} lines elided …`, ...lines.slice(-tail)];
}
