/**
 * Diagnostics: a problem in a plan with its position, rendered Hurl/rustc style:
 *
 *     error[PLAN_UNKNOWN_KEY]: unknown key "expcet" in step "login"
 *       --> preflight.yaml:14:9
 *        |
 *     14 |         expcet: { status: 200 }
 *        |         ^^^^^^ did you mean "expect"?
 */
import pc from 'picocolors';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Length of the underlined span (at least 1). */
  length: number;
  hint?: string;
}

/** Render diagnostics with a source excerpt, a caret and a hint. */
export function formatDiagnostic(d: Diagnostic, source: string, color = false): string {
  const paint = color ? pc : noColor;
  const lines = source.split(/\r?\n/);
  const text = lines[d.line - 1] ?? '';
  const gutter = ' '.repeat(String(d.line).length);
  const length = Math.max(1, Math.min(d.length, Math.max(1, text.length - d.column + 1)));
  const label = d.severity === 'error' ? paint.red(`error[${d.code}]`) : paint.yellow(`warning[${d.code}]`);
  const caret = `${' '.repeat(Math.max(0, d.column - 1))}${'^'.repeat(length)}${d.hint ? ` ${d.hint}` : ''}`;
  return [
    `${label}: ${d.message}`,
    `${gutter}${paint.blue('-->')} ${d.file}:${d.line}:${d.column}`,
    `${gutter} ${paint.blue('|')}`,
    `${paint.blue(String(d.line))} ${paint.blue('|')} ${text}`,
    `${gutter} ${paint.blue('|')} ${d.severity === 'error' ? paint.red(caret) : paint.yellow(caret)}`,
  ].join('\n');
}

/** One line per diagnostic: `file:line:column: severity[CODE]: message (hint)`. */
export function formatDiagnosticShort(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

const identity = (s: string): string => s;
const noColor = { red: identity, yellow: identity, blue: identity };
