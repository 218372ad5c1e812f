/**
 * Scanning log lines: counts of ERROR, CRITICAL and Python tracebacks, and the first events
 * with their lines. Pure: lines in, counts and events out.
 */

/** One line of a log, with where it came from. */
export interface LogLine {
  text: string;
  /** Line number in its source, when known. */
  line: number | null;
}

export type LogEventKind = 'traceback' | 'critical' | 'error';

/** One event worth showing: a traceback (all its lines) or an ERROR/CRITICAL line. */
export interface LogEvent {
  kind: LogEventKind;
  line: number | null;
  /** The line that says what happened: the exception of a traceback, else the line itself. */
  headline: string;
  lines: string[];
}

export interface LogCounts {
  error: number;
  critical: number;
  traceback: number;
  lines: number;
}

const TRACEBACK = /Traceback \(most recent call last\):/;
const CRITICAL = [
  /\b(CRITICAL|FATAL)\b/,
  /\blevel[=:]\s*"?(critical|fatal)\b/i,
  /"level"\s*:\s*"(critical|fatal)"/i,
];
const ERROR = [/\bERROR\b/, /\blevel[=:]\s*"?(error|err)\b/i, /"level"\s*:\s*"(error|err)"/i];
const MAX_TRACEBACK_LINES = 60;

/** Count and collect the events of a sequence of lines. */
export function scanLog(lines: readonly LogLine[]): { counts: LogCounts; events: LogEvent[] } {
  const counts: LogCounts = { error: 0, critical: 0, traceback: 0, lines: lines.length };
  const events: LogEvent[] = [];
  let i = 0;
  while (i < lines.length) {
    const current = lines[i] as LogLine;
    if (TRACEBACK.test(current.text)) {
      const end = tracebackEnd(lines, i);
      const block = lines.slice(i, end).map((l) => l.text);
      counts.traceback++;
      events.push({
        kind: 'traceback',
        line: current.line,
        headline: block[block.length - 1] ?? '',
        lines: block,
      });
      i = end;
      continue;
    }
    const kind = levelOf(current.text);
    if (kind) {
      counts[kind]++;
      events.push({ kind, line: current.line, headline: current.text.trim(), lines: [current.text] });
    }
    i++;
  }
  return { counts, events };
}

function levelOf(text: string): 'critical' | 'error' | null {
  if (CRITICAL.some((re) => re.test(text))) return 'critical';
  if (ERROR.some((re) => re.test(text))) return 'error';
  return null;
}

/** Index after the last line of the traceback that starts at `start`: through its exception line. */
function tracebackEnd(lines: readonly LogLine[], start: number): number {
  const limit = Math.min(lines.length, start + MAX_TRACEBACK_LINES);
  // A prefix before "Traceback" (journald's "date host unit[pid]: ") is on every line of it.
  const first = (lines[start] as LogLine).text;
  const prefix = first.slice(0, first.search(TRACEBACK));
  for (let j = start + 1; j < limit; j++) {
    const raw = (lines[j] as LogLine).text;
    const text = prefix && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw;
    // Frames are indented; the first line that is not ends the traceback (the exception).
    if (text.trim() !== '' && !/^\s/.test(text)) return j + 1;
  }
  return limit;
}
