/**
 * Masking what looks secret in a log line before it is shown: bearer tokens, `password=…`
 * style pairs, passwords in URLs. The Redactor then hides the secrets preflight knows.
 */
import { REDACTED } from '../../secrets/names.js';

const RULES: [RegExp, string][] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  [
    /\b((?:[a-z0-9_-]*)(?:password|passwd|pwd|secret|token|api[_-]?key|session|cookie|authorization)["']?\s*[=:]\s*["']?)(?!(?:bearer|basic)\s)([^\s"'&,;]+)/gi,
    `$1${REDACTED}`,
  ],
  [/(\/\/[^:/@\s]+:)([^@\s]+)@/g, `$1${REDACTED}@`],
];

/** The line with secret-looking values masked. */
export function scrubLogLine(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) out = out.replace(re, replacement);
  return out;
}
