/**
 * Formatting shared by the reporters and the kinds' report sections: durations, asserted
 * values, excerpts, finding locations. Pure functions of what the result already says; nothing
 * here decides a status. The shapes are structural, so this room imports no result type.
 */

/** What `formatFailure` reads of an assertion failure (`AssertionFailure` in checks/paths/result.ts). */
export interface FailureText {
  assertion: string;
  expected: unknown;
  actual: unknown;
  message: string;
  name?: string | undefined;
}

/** What `findingLocation` reads of a finding (`Finding` in checks/result.ts). */
export interface FindingPlace {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/** A duration for people: `340 ms` under a second, `1.24 s` above, `2 min 05 s` past a minute. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

const MAX_VALUE_CHARS = 200;

/** An expected or actual value on one line: JSON (so `"201"` and `201` differ), bounded. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(nothing)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/**
 * A failed assertion on one line. Its message is the whole sentence (the named assertion's
 * name, what was asserted, expected and got, any hint), so it stands alone; expected / actual
 * stand in only for a failure without a message.
 */
export function formatFailure(
  failure: FailureText,
  paint: { expected: (s: string) => string; actual: (s: string) => string } = {
    expected: String,
    actual: String,
  },
): string {
  if (failure.message) return failure.message;
  const label = failure.name ? `${failure.name}: ${failure.assertion}` : failure.assertion;
  return `${label}: expected ${paint.expected(formatValue(failure.expected))} / actual ${paint.actual(formatValue(failure.actual))}`;
}

/** The first lines of a text, as printed in a report. */
export interface Excerpt {
  text: string;
  /** Whether lines or characters were left off. */
  cut: boolean;
}

/** The first `maxLines` lines and at most `maxChars` characters of `text`. */
export function excerpt(text: string, maxLines = 10, maxChars = 800): Excerpt {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let kept = lines.slice(0, maxLines).join('\n');
  let cut = lines.length > maxLines;
  if (kept.length > maxChars) {
    kept = kept.slice(0, maxChars);
    cut = true;
  }
  return { text: kept.replace(/\n+$/, ''), cut };
}

/** The last `maxLines` lines of `text` (a command's output tail). */
export function tail(text: string, maxLines: number): Excerpt {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return { text: lines.slice(-maxLines).join('\n'), cut: lines.length > maxLines };
}

/** `file:line:col` (or as much of it as is known) for a finding; empty when it has no file. */
export function findingLocation(finding: FindingPlace, withColumn = true): string {
  if (!finding.file) return '';
  let location = finding.file;
  if (finding.line !== undefined) {
    location += `:${finding.line}`;
    if (withColumn && finding.column !== undefined) location += `:${finding.column}`;
  }
  return location;
}

/** `1 finding`, `2 findings`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** The exit status of a command in words: `0`, `1`, `killed by SIGTERM`, `timed out`. */
export function formatExit(command: {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
}): string {
  const parts: string[] = [];
  if (command.exit_code !== null) parts.push(String(command.exit_code));
  if (command.signal) parts.push(`killed by ${command.signal}`);
  if (command.timed_out) parts.push('timed out');
  return parts.length > 0 ? parts.join(', ') : 'no exit code';
}
