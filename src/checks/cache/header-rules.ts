/**
 * The cache header rules: what a response's `Cache-Control`, `Vary` and `Set-Cookie` let a
 * shared cache do, judged by the role of its path (private, public, static). Pure functions
 * of one exchange; each problem becomes a finding with a message that says how to fix it.
 */
import type { Finding } from '../result.js';
import {
  type Directives,
  parseCacheControl,
  parseVary,
  sharedCacheable,
  sharedMaxAge,
  sharedStorable,
  varyCovers,
} from './cache-control.js';
import { isHit } from './cdn-status.js';
import { type Exchange, isSuccess } from './exchange.js';
import { cacheFinding } from './findings.js';

function directivesOf(exchange: Exchange): Directives {
  return parseCacheControl(exchange.response.header('cache-control'));
}

function quoted(exchange: Exchange): string {
  const value = exchange.response.header('cache-control');
  return value === undefined ? 'no Cache-Control header' : `Cache-Control "${value}"`;
}

/** Whether a shared cache stores the response: by its headers, or because the CDN said it served a stored copy. */
function sharedCacheStores(exchange: Exchange): boolean {
  return sharedCacheable(directivesOf(exchange)) || isHit(exchange.cdn);
}

/** A private path must not be storable by a shared cache: `private` or `no-store`, no `public`, no `s-maxage`. */
export function privateRules(exchange: Exchange): Finding[] {
  const d = directivesOf(exchange);
  const problems: string[] = [];
  if (!d.has('private') && !d.has('no-store')) problems.push('has neither "private" nor "no-store"');
  if (d.has('public')) problems.push('says "public"');
  if (d.has('s-maxage')) problems.push('gives shared caches a lifetime with "s-maxage"');
  if (problems.length === 0) return [];
  const message =
    `${quoted(exchange)} ${problems.join(', ')}: a shared cache may store this personal page and serve it to ` +
    'other users; send "Cache-Control: private, no-store"';
  return [cacheFinding('cache-private-storable', exchange.path, message)];
}

/** A response a shared cache stores must not carry `Set-Cookie` (the cookie would be served to everyone). */
export function setCookieRule(exchange: Exchange): Finding[] {
  if (exchange.response.headerValues('set-cookie').length === 0 || !sharedCacheStores(exchange)) return [];
  const message =
    `the response sets a cookie, yet a shared cache may store it (${quoted(exchange)}): every visitor ` +
    'served from the cache would get the same cookie; send "private" on responses that set cookies, or drop the cookie';
  return [cacheFinding('cache-set-cookie-cacheable', exchange.path, message)];
}

/** `Vary` must name every request header a stored response depends on. */
export function varyRule(exchange: Exchange): Finding[] {
  if (!sharedCacheStores(exchange)) return [];
  const vary = parseVary(exchange.response.header('vary'));
  const sent = new Set(Object.keys(exchange.requestHeaders).map((name) => name.toLowerCase()));
  const has = (name: string): boolean => sent.has(name);
  const needed: { header: string; why: string; severity: Finding['severity'] }[] = [];
  if (has('authorization'))
    needed.push({ header: 'Authorization', why: 'it answers a request with credentials', severity: 'error' });
  if (has('cookie'))
    needed.push({ header: 'Cookie', why: 'it answers a request with cookies', severity: 'error' });
  const encoding = exchange.response.header('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity')
    needed.push({ header: 'Accept-Encoding', why: `it is compressed (${encoding})`, severity: 'error' });
  const language = exchange.response.header('content-language');
  if (language) needed.push({ header: 'Accept-Language', why: `it is in ${language}`, severity: 'warning' });
  const vText = exchange.response.header('vary');
  return needed
    .filter((n) => !varyCovers(vary, n.header))
    .map((n) =>
      cacheFinding(
        'cache-vary-missing',
        exchange.path,
        `a shared cache may store the response and ${n.why}, but ` +
          `${vText ? `Vary "${vText}" does not name ${n.header}` : 'it has no Vary header'}: add "Vary: ${n.header}"`,
        n.severity,
      ),
    );
}

/** A public path must answer 2xx and be cacheable by a shared cache for at least `minMaxAge` seconds. */
export function publicRules(exchange: Exchange, minMaxAge: number): Finding[] {
  const status = statusRule(exchange, 'public');
  if (status.length > 0) return status;
  const problem = cacheabilityProblem(directivesOf(exchange), minMaxAge);
  if (!problem) return [];
  const message = `${quoted(exchange)} ${problem}: send "Cache-Control: public, max-age=${Math.max(minMaxAge, 1)}" or longer`;
  return [cacheFinding('cache-public-not-cacheable', exchange.path, message)];
}

/** A static asset must be long-lived, and `immutable` when its name is fingerprinted. */
export function staticRules(exchange: Exchange, minMaxAge: number): Finding[] {
  const status = statusRule(exchange, 'static');
  if (status.length > 0) return status;
  const d = directivesOf(exchange);
  const out: Finding[] = [];
  const problem = cacheabilityProblem(d, minMaxAge);
  if (problem) {
    const message = `${quoted(exchange)} ${problem}: static assets should be long-lived, e.g. "Cache-Control: public, max-age=31536000, immutable" for fingerprinted files`;
    out.push(cacheFinding('cache-static-short-lived', exchange.path, message));
  }
  if (isFingerprinted(exchange.path) && !d.has('immutable')) {
    const message = `${quoted(exchange)} lacks "immutable", though the file name is fingerprinted: browsers revalidate it on reload; add "immutable"`;
    out.push(cacheFinding('cache-static-not-immutable', exchange.path, message));
  }
  return out;
}

/** Why the directives do not make a response cacheable for `minMaxAge` seconds, or null when they do. */
function cacheabilityProblem(d: Directives, minMaxAge: number): string | null {
  if (d.size === 0) return 'does not let a shared cache keep it for a known time';
  if (!sharedStorable(d))
    return `forbids shared caches to store it (${d.has('no-store') ? 'no-store' : 'private'})`;
  if (d.has('no-cache')) return 'makes every request go to the origin (no-cache)';
  const age = sharedMaxAge(d);
  if (age === undefined) return 'gives no max-age';
  if (age < minMaxAge) return `keeps it for ${age} s, less than the ${minMaxAge} s the plan asks for`;
  return null;
}

function statusRule(exchange: Exchange, role: string): Finding[] {
  if (isSuccess(exchange.response.status)) return [];
  const message = `answered ${exchange.response.status} through the cache; a ${role} path must answer 2xx (is the path right?)`;
  return [cacheFinding('cache-path-status', exchange.path, message)];
}

/** `app.3f9a1c2b.css`, `main-BQ3k9xZa.js`: a hash-like part with a digit before the extension. */
export function isFingerprinted(path: string): boolean {
  const name = path.split('?')[0]?.split('/').pop() ?? '';
  const m = /[._-]([0-9a-f]{8,}|[A-Za-z0-9_]{8,})\.[A-Za-z0-9]+$/.exec(name);
  return m !== null && /\d/.test(m[1] as string);
}
