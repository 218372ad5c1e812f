/**
 * What counts as secret by name: headers whose values are always secret, and variable or
 * capture names that look like they hold one.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Headers whose values are always secret. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Whether a header's value is always treated as a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** Whether a variable or capture name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  return /(token|secret|password|passwd|session|cookie|api[_-]?key|auth|credential|private|jwt|bearer)/i.test(
    name,
  );
}
