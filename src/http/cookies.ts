/**
 * The cookie jar of one critical path run: responses' Set-Cookie are stored, and
 * later requests of the same path send the matching cookies back.
 */
import { createRequire } from 'node:module';
import type { CookieJar } from 'tough-cookie';

// tough-cookie (and its public-suffix list) is loaded on the first Set-Cookie: most paths of
// an API never see one, and it would otherwise weigh on every start-up and every request.
const require = createRequire(import.meta.url);
let toughCookie: typeof import('tough-cookie') | undefined;
const tough = (): typeof import('tough-cookie') => {
  toughCookie ??= require('tough-cookie') as typeof import('tough-cookie');
  return toughCookie;
};

/** One cookie jar per path run; created when the first cookie arrives. */
export class PathCookies {
  #jar: CookieJar | undefined;

  /** Whether no cookie ever arrived (the jar would send nothing). */
  get empty(): boolean {
    return this.#jar === undefined;
  }

  /** The Cookie header value for `url`, or undefined when the jar has none for it. */
  async cookieHeader(url: string): Promise<string | undefined> {
    if (!this.#jar) return undefined;
    const header = await this.#jar.getCookieString(url);
    return header === '' ? undefined : header;
  }

  /** Store the Set-Cookie values of a response to `url`; cookies the jar refuses are ignored. */
  async store(url: string, setCookies: string[]): Promise<void> {
    if (setCookies.length === 0) return;
    this.#jar ??= new (tough().CookieJar)();
    for (const line of setCookies) await this.#jar.setCookie(line, url, { ignoreError: true });
  }

  /** The value of cookie `name` that the jar would send to `url`. */
  async value(name: string, url: string): Promise<string | undefined> {
    if (!this.#jar) return undefined;
    const cookies = await this.#jar.getCookies(url);
    return cookies.find((cookie) => cookie.key === name)?.value;
  }
}

/** The value of cookie `name` in a response's Set-Cookie lines (the last one wins). */
export function cookieFromSetCookie(setCookies: string[], name: string): string | undefined {
  let found: string | undefined;
  for (const line of setCookies) {
    const cookie = tough().Cookie.parse(line);
    if (cookie?.key === name) found = cookie.value;
  }
  return found;
}

/** The values of the cookies in Set-Cookie lines. */
export function cookieValues(setCookies: string[]): string[] {
  if (setCookies.length === 0) return [];
  return setCookies.flatMap((line) => {
    const value = tough().Cookie.parse(line)?.value;
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
