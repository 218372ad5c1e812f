/**
 * The web-cache-deception probe: `/private/path/x.css` and similar suffixes must not turn
 * a private page into a cached one. User A requests the private path with a static-looking
 * suffix; when the app still answers with A's page, an anonymous request for the same URL
 * must not get it back from the cache.
 */
import type { Finding } from '../result.js';
import { isHit } from './cdn-status.js';
import {
  ANONYMOUS,
  type CacheClient,
  describeExchange,
  type Exchange,
  fetchAs,
  isSuccess,
} from './exchange.js';
import { cacheFinding } from './findings.js';
import { around } from './leak-probe.js';
import type { UserSession } from './session.js';

/** The URLs the probe tries for `path`: each suffix with `{nonce}` made unique. */
export function deceptionUrls(path: string, suffixes: string[], nonce: string): string[] {
  const [bare, query] = splitQuery(path);
  return suffixes.map((suffix) => `${bare}${suffix.replaceAll('{nonce}', `preflight-${nonce}`)}${query}`);
}

/**
 * Probe every deceptive URL of one private path. `plain` is user A's response at the path
 * itself: a deceptive URL that answers with the same page (or A's marker) serves A's page.
 */
export async function probeDeception(
  client: CacheClient,
  urls: string[],
  a: UserSession,
  plain: Exchange,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const url of urls) {
    const first = await fetchAs(client, url, a.identity);
    const markerSeen = first.response.text.includes(a.marker);
    const samePage = markerSeen || first.response.body.equals(plain.response.body);
    if (!isSuccess(first.response.status) || !samePage) continue; // not A's page there: safe
    const anonymous = await fetchAs(client, url, ANONYMOUS);
    const finding = isSuccess(anonymous.response.status)
      ? deceived(first, anonymous, a.marker, markerSeen)
      : null;
    findings.push(finding ?? risk(first));
  }
  return findings;
}

function deceived(first: Exchange, anonymous: Exchange, marker: string, markerSeen: boolean): Finding | null {
  const got = markerSeen && anonymous.response.text.includes(marker);
  if (!got && !isHit(anonymous.cdn) && !anonymous.response.body.equals(first.response.body)) return null;
  const what = got
    ? `received user A's marker "${marker}": ${around(anonymous.response.text, marker)}`
    : "was served user A's page";
  return cacheFinding(
    'cache-deception',
    first.path,
    "the app serves user A's private page at this static-looking URL and the cache stored it: the " +
      `anonymous client (${describeExchange(anonymous)}) ${what}; answer 404 for unknown sub-paths, ` +
      'and cache by Cache-Control, not by file extension',
  );
}

function risk(first: Exchange): Finding {
  return cacheFinding(
    'cache-deception-risk',
    first.path,
    `the app answers ${first.response.status} with user A's private page at this static-looking URL ` +
      '(this cache did not store it, but one that caches by file extension would); answer 404 for unknown sub-paths',
    'warning',
  );
}

function splitQuery(path: string): [string, string] {
  const at = path.indexOf('?');
  return at < 0 ? [path, ''] : [path.slice(0, at), path.slice(at)];
}
