/**
 * Who may see the dashboard. Bound to loopback, anyone on this machine (and only requests
 * whose Host is a loopback name, against DNS rebinding). Bound elsewhere, a token is required:
 * `Authorization: Bearer TOKEN`, or `?token=TOKEN` once, which sets a cookie holding a hash of
 * the token. Every comparison is in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The cookie that keeps a browser signed in after `?token=`. */
export const COOKIE = 'preflight_session';

/** The shortest token accepted, in characters other than white space. */
export const MIN_TOKEN_LENGTH = 16;

/** Why a token is refused (too few characters other than white space), or null when it will do. */
export function tokenProblem(token: string): string | null {
  const strong = token.replace(/\s/g, '').length;
  if (strong >= MIN_TOKEN_LENGTH) return null;
  return `the token is too short: use at least ${MIN_TOKEN_LENGTH} characters other than spaces (it has ${strong}), e.g. $(openssl rand -hex 24)`;
}

/**
 * Where to send a browser after `?token=`: a path on this server only. `/.//evil.example/x`
 * parses to the path `//evil.example/x`, which a browser reads as another host.
 */
export function localLocation(url: URL): string {
  const path = `/${url.pathname.replace(/^[/\\]+/, '')}`;
  return `${path}${url.search}`;
}

/** Whether `host` (an address or a name) is this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '::ffff:127.0.0.1';
}

/** Whether two secrets are equal, in time that does not depend on where they differ. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The cookie value for a token: a hash, so the token itself is not kept by the browser. */
export function sessionValue(token: string): string {
  return createHash('sha256').update(`preflight-dashboard:${token}`, 'utf8').digest('hex');
}

/** What to do with a request. */
export type AuthOutcome =
  | { kind: 'allowed' }
  | { kind: 'sign-in'; location: string; cookie: string }
  | { kind: 'denied'; status: 401 | 403; message: string };

/** Decide whether `req` (for `url`) may be served, given the server's token, if any. */
export function authorize(req: IncomingMessage, url: URL, token: string | undefined): AuthOutcome {
  if (!token) {
    const host = hostName(req.headers.host ?? '');
    return isLoopbackHost(host)
      ? { kind: 'allowed' }
      : { kind: 'denied', status: 403, message: 'this dashboard answers only to localhost / 127.0.0.1' };
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined && secretsEqual(bearer.trim(), token)) return { kind: 'allowed' };
  const session = readCookie(req.headers.cookie ?? '', COOKIE);
  if (session !== undefined && secretsEqual(session, sessionValue(token))) return { kind: 'allowed' };
  const query = url.searchParams.get('token');
  if (query !== null && secretsEqual(query, token)) {
    const clean = new URL(url);
    clean.searchParams.delete('token');
    return {
      kind: 'sign-in',
      location: localLocation(clean),
      cookie: `${COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }
  return {
    kind: 'denied',
    status: 401,
    message: 'a token is required: open the dashboard with ?token=… or send Authorization: Bearer …',
  };
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.replace(/:\d+$/, '');
}

function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
