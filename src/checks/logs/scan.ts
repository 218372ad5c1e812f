/**
 * Scanning log lines: counts of ERROR, CRITICAL and Python tracebacks, and the first events
 * with their lines. Pure: lines in, counts and events out.
 */
import { readTraceback, TRACEBACK_HEADER } from './traceback.js';

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
  /** A traceback the log ends (or another traceback starts) before its exception line. */
  cut?: boolean;
  /** Index in the scanned lines of the event's first line. */
  index: number;
}

export interface LogCounts {
  error: number;
  critical: number;
  traceback: number;
  lines: number;
}

const CRITICAL = [
  /\b(CRITICAL|FATAL)\b/,
  /\blevel[=:]\s*"?(critical|fatal)\b/i,
  /"level"\s*:\s*"(critical|fatal)"/i,
];
const ERROR = [/\bERROR\b/, /\blevel[=:]\s*"?(error|err)\b/i, /"level"\s*:\s*"(error|err)"/i];

/** Count and collect the events of a sequence of lines. */
export function scanLog(lines: readonly LogLine[]): { counts: LogCounts; events: LogEvent[] } {
  const counts: LogCounts = { error: 0, critical: 0, traceback: 0, lines: lines.length };
  const events: LogEvent[] = [];
  const texts = lines.map((l) => l.text);
  let i = 0;
  while (i < lines.length) {
    const current = lines[i] as LogLine;
    if (TRACEBACK_HEADER.test(current.text)) {
      const span = readTraceback(texts, i);
      const block = texts.slice(i, span.end);
      counts.traceback++;
      events.push({
        kind: 'traceback',
        line: current.line,
        headline:
          span.exception ?? `traceback cut off after ${block.length} lines, before its exception line`,
        lines: block,
        index: i,
        ...(span.exception === null ? { cut: true } : {}),
      });
      i = span.end;
      continue;
    }
    const kind = levelOf(current.text);
    if (kind) {
      counts[kind]++;
      events.push({
        kind,
        line: current.line,
        headline: current.text.trim(),
        lines: [current.text],
        index: i,
      });
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
