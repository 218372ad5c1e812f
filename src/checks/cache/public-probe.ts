/**
 * Public paths and static assets: each is requested twice, anonymously, through the CDN.
 * The first response is judged by the header rules; the CDN status of both shows whether
 * the second came from the cache (hit/miss, reported per path).
 */
import type { Finding } from '../result.js';
import { parseCacheControl, sharedCacheable } from './cache-control.js';
import { isHit } from './cdn-status.js';
import { ANONYMOUS, type CacheClient, type Exchange, fetchAs, isSuccess, observe } from './exchange.js';
import { cacheFinding } from './findings.js';
import { publicRules, setCookieRule, staticRules, varyRule } from './header-rules.js';
import type { CacheObservation } from './result.js';

/** What probing one public path or static asset found. */
export interface SharedProbe {
  findings: Finding[];
  observation: CacheObservation;
}

/** Ask as browsers do, so that a compressed variant (and its Vary) shows. */
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, br' };

/** Probe one public path or static asset; `minMaxAge` in seconds. */
export async function probeSharedPath(
  client: CacheClient,
  path: string,
  role: 'public' | 'static',
  minMaxAge: number,
): Promise<SharedProbe> {
  const first = await fetchAs(client, path, ANONYMOUS, { headers: BROWSER_HEADERS });
  const second = await fetchAs(client, path, ANONYMOUS, { headers: BROWSER_HEADERS });
  const rules = role === 'public' ? publicRules(first, minMaxAge) : staticRules(first, minMaxAge);
  const findings = [...rules, ...setCookieRule(first), ...setCookieRule(second), ...varyRule(first)];
  const missed = notServedFromCache(first, second);
  if (missed) findings.push(missed);
  return {
    findings: dedupe(findings),
    observation: {
      path,
      role,
      cache_control: first.response.header('cache-control') ?? null,
      vary: first.response.header('vary') ?? null,
      cdn_header: first.cdn?.header ?? second.cdn?.header ?? null,
      requests: [first, second].map(observe),
    },
  };
}

/** A warning when the CDN reports a miss for the second request of a response it may cache. */
function notServedFromCache(first: Exchange, second: Exchange): Finding | null {
  if (!second.cdn || isHit(second.cdn) || !isSuccess(first.response.status)) return null;
  if (!sharedCacheable(parseCacheControl(first.response.header('cache-control')))) return null;
  return cacheFinding(
    'cache-not-served-from-cache',
    first.path,
    `the response may be cached, yet the second request was not served from the cache ` +
      `(${second.cdn.header}: ${second.cdn.value}); is the CDN configured to cache this path?`,
    'warning',
  );
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\n${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
