/**
 * The cache-leak probe: a private path is requested as user A through the CDN, then as
 * user B and anonymously. If B or the anonymous client gets A's marker, or a copy the
 * CDN says it served from its store, the cache leaked A's personal page.
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
  observe,
  ProbeError,
} from './exchange.js';
import { cacheFinding } from './findings.js';
import { privateRules, setCookieRule, varyRule } from './header-rules.js';
import type { CacheObservation } from './result.js';
import type { UserSession } from './session.js';

/** The two users of the probe. */
export interface ProbeUsers {
  a: UserSession;
  b: UserSession;
}

/** What probing one private path found. */
export interface PrivateProbe {
  findings: Finding[];
  observation: CacheObservation;
  /** User A's response, for the deception probe. */
  first: Exchange;
  /** Whether A's response contains A's marker (else the probe relies on the CDN status). */
  markerSeen: boolean;
}

/** Probe one private `path` of the plan, requested as `url` (e.g. with a unique query). */
export async function probePrivatePath(
  client: CacheClient,
  target: { path: string; url: string },
  users: ProbeUsers,
): Promise<PrivateProbe> {
  const { path, url } = target;
  const ask = (who: ProbeUsers['a']['identity']) => fetchAs(client, url, who, { label: path });
  const first = await ask(users.a.identity);
  if (!isSuccess(first.response.status)) {
    throw new ProbeError(
      'CACHE_SESSION_REFUSED',
      `${describeExchange(first)}: user A's session does not open this private path; check cache.session and cache.headers (or the path)`,
    );
  }
  const findings = [...privateRules(first), ...setCookieRule(first), ...varyRule(first)];
  const markerSeen = first.response.text.includes(users.a.marker);
  const others = [await ask(users.b.identity), await ask(ANONYMOUS)];
  for (const other of others) {
    const leak = detectLeak(other, users.a.marker, markerSeen);
    if (leak) findings.push(leak);
  }
  if (!markerSeen && [first, ...others].every((e) => e.cdn === null))
    findings.push(blind(path, users.a.marker));
  return {
    findings,
    observation: {
      path,
      role: 'private',
      cache_control: first.response.header('cache-control') ?? null,
      vary: first.response.header('vary') ?? null,
      cdn_header: [first, ...others].find((e) => e.cdn)?.cdn?.header ?? null,
      requests: [first, ...others].map(observe),
    },
    first,
    markerSeen,
  };
}

/** A `cache-leak` finding when `other` received user A's page, else null. */
export function detectLeak(other: Exchange, marker: string, markerSeen: boolean): Finding | null {
  if (!isSuccess(other.response.status)) return null;
  const text = other.response.text;
  if (markerSeen && text.includes(marker)) {
    const message =
      `${other.as} received user A's marker "${marker}": ${describeExchange(other)}; the cache served A's ` +
      `personal page to someone else. ${other.as} got: ${around(text, marker)}`;
    return cacheFinding('cache-leak', other.path, message);
  }
  if (isHit(other.cdn)) {
    const message =
      `${other.as} was served a stored copy of a personal page first fetched by user A: ` +
      `${describeExchange(other)}; the cache does not keep users apart`;
    return cacheFinding('cache-leak', other.path, message);
  }
  return null;
}

/** A warning: without the marker in the page and without a CDN status, a leak cannot be seen. */
function blind(path: string, marker: string): Finding {
  return cacheFinding(
    'cache-leak-not-probed',
    path,
    `user A's marker "${marker}" is not in A's response and the CDN sends no status header (X-Cache, ` +
      'CF-Cache-Status, Cache-Status, Age), so a leak of this path cannot be seen: set cache.marker to a value ' +
      "of A's page, or expose the CDN's cache status",
    'warning',
  );
}

/** Up to 60 characters either side of the first `marker` in `text`, on one line. */
export function around(text: string, marker: string, width = 60): string {
  const at = text.indexOf(marker);
  const start = Math.max(0, at - width);
  const end = Math.min(text.length, at + marker.length + width);
  const body = text.slice(start, end).replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
