/**
 * Credentials in URLs (`http://user:pass@host`, `https://TOKEN@host`): masked wherever a URL
 * appears in a text, and taken apart so that the password itself can be registered as a secret.
 */
import { REDACTED } from './names.js';

/**
 * A URL with userinfo: scheme, then userinfo up to the last `@` before the host (an `@` in a
 * password that was not percent-encoded is taken, as URL parsers take it).
 */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#"<>`]*)@/g;

/** A user name as systems spell them; shown, while a lone token in its place is not. */
const PLAIN_USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** `text` with the password (or a lone token) of every URL's userinfo replaced by [redacted]. */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) => {
    const masked = maskUserinfo(userinfo);
    return masked === userinfo ? whole : `${scheme}${masked}@`;
  });
}

function maskUserinfo(userinfo: string): string {
  if (userinfo === '' || userinfo.startsWith(REDACTED)) return userinfo;
  const colon = userinfo.indexOf(':');
  if (colon < 0) return PLAIN_USER.test(userinfo) ? userinfo : REDACTED;
  const password = userinfo.slice(colon + 1);
  if (password === '' || password === REDACTED) return userinfo;
  return `${userinfo.slice(0, colon)}:${REDACTED}`;
}

/**
 * The secret parts of a URL's userinfo, as written and percent-decoded: the password, or a
 * lone token that is not a plain user name. Empty when the URL has none (or is not a URL).
 */
export function urlCredentials(url: string): string[] {
  // Most plan strings are no URL with userinfo: skip the pattern (a 200-path plan has thousands).
  if (!url.includes('@')) return [];
  const out = new Set<string>();
  for (const m of url.matchAll(URL_USERINFO)) {
    const userinfo = m[2] as string;
    const colon = userinfo.indexOf(':');
    const secret = colon >= 0 ? userinfo.slice(colon + 1) : PLAIN_USER.test(userinfo) ? '' : userinfo;
    if (!secret) continue;
    out.add(secret);
    try {
      out.add(decodeURIComponent(secret));
    } catch {
      // Not valid percent-encoding: the text as written is the secret.
    }
  }
  return [...out];
}
