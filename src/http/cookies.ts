/**
 * The cookie jar of one critical path run: responses' Set-Cookie are stored, and
 * later requests of the same path send the matching cookies back.
 */
import { Cookie, CookieJar } from 'tough-cookie';

/** One cookie jar per path run. */
export class PathCookies {
  #jar = new CookieJar();

  /** The Cookie header value for `url`, or undefined when the jar has none for it. */
  async cookieHeader(url: string): Promise<string | undefined> {
    const header = await this.#jar.getCookieString(url);
    return header === '' ? undefined : header;
  }

  /** Store the Set-Cookie values of a response to `url`; cookies the jar refuses are ignored. */
  async store(url: string, setCookies: string[]): Promise<void> {
    for (const line of setCookies) await this.#jar.setCookie(line, url, { ignoreError: true });
  }

  /** The value of cookie `name` that the jar would send to `url`. */
  async value(name: string, url: string): Promise<string | undefined> {
    const cookies = await this.#jar.getCookies(url);
    return cookies.find((cookie) => cookie.key === name)?.value;
  }
}

/** The value of cookie `name` in a response's Set-Cookie lines (the last one wins). */
export function cookieFromSetCookie(setCookies: string[], name: string): string | undefined {
  let found: string | undefined;
  for (const line of setCookies) {
    const cookie = Cookie.parse(line);
    if (cookie?.key === name) found = cookie.value;
  }
  return found;
}

/** The values of the cookies in Set-Cookie lines. */
export function cookieValues(setCookies: string[]): string[] {
  return setCookies.flatMap((line) => {
    const value = Cookie.parse(line)?.value;
    return value ? [value] : [];
  });
}

/** Request headers with the jar's cookies added to any Cookie header the step gave. */
export function withCookieHeader(
  headers: Record<string, string>,
  fromJar: string | undefined,
): Record<string, string> {
  if (fromJar === undefined) return headers;
  const out = { ...headers };
  const given = Object.keys(out).find((key) => key.toLowerCase() === 'cookie');
  if (given === undefined) out.cookie = fromJar;
  else out[given] = `${out[given]}; ${fromJar}`;
  return out;
}
