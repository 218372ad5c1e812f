/**
 * What the CDN says it did with a request: `Cache-Status` (RFC 9211), `CF-Cache-Status`
 * (Cloudflare), `X-Cache-Status` (nginx `$upstream_cache_status`), `X-Cache` (CloudFront,
 * Fastly, Varnish, Squid), and `Age` as a last resort.
 */

/** A CDN's verdict on one request, normalised. */
export type CdnState = 'hit' | 'miss' | 'bypass' | 'expired' | 'stale' | 'revalidated' | 'dynamic' | 'other';

/** The CDN status of a response, and where it was read. */
export interface CdnStatus {
  state: CdnState;
  /** The lower-case header name it was read from. */
  header: string;
  /** The header's value as received. */
  value: string;
}

type HeaderLookup = (name: string) => string | undefined;

/** Headers read in this order; the first one present decides. */
const HEADERS = ['cache-status', 'cf-cache-status', 'x-cache-status', 'x-cache'] as const;

/** The CDN status of a response, or null when no header says anything. */
export function readCdnStatus(header: HeaderLookup): CdnStatus | null {
  for (const name of HEADERS) {
    const value = header(name);
    if (value === undefined || value.trim() === '') continue;
    const state = name === 'cache-status' ? fromCacheStatus(value) : fromWord(value);
    return { state, header: name, value };
  }
  const age = readAge(header);
  if (age !== null && age > 0) return { state: 'hit', header: 'age', value: String(age) };
  return null;
}

/** The `Age` header in seconds, or null when absent or malformed. */
export function readAge(header: HeaderLookup): number | null {
  const value = header('age')?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

/** Whether the CDN served the response from its store. */
export function isHit(status: CdnStatus | null): boolean {
  return status?.state === 'hit' || status?.state === 'stale';
}

/**
 * `HIT`, `MISS`, `Hit from cloudfront`, `TCP_MISS from squid`, `MISS, HIT` (Fastly with
 * shielding: any layer that hit means the response came from a store).
 */
function fromWord(value: string): CdnState {
  const words = value.toUpperCase();
  const has = (word: string): boolean => new RegExp(`(^|[^A-Z])(TCP_)?${word}([^A-Z]|$)`).test(words);
  if (has('HIT')) return 'hit';
  if (has('STALE') || has('UPDATING')) return 'stale';
  if (has('REVALIDATED')) return 'revalidated';
  if (has('EXPIRED')) return 'expired';
  if (has('BYPASS')) return 'bypass';
  if (has('DYNAMIC') || has('PASS')) return 'dynamic';
  if (has('MISS') || has('NONE') || has('UNKNOWN')) return 'miss';
  return 'other';
}

/** RFC 9211: `cache-name; hit` or `cache-name; fwd=uri-miss`, per cache, the last nearest the client. */
function fromCacheStatus(value: string): CdnState {
  const entries = value.split(',').map((entry) => entry.toLowerCase());
  if (entries.some((entry) => /;\s*hit\b/.test(entry))) return 'hit';
  const last = entries[entries.length - 1] ?? '';
  const fwd = /fwd=([a-z-]+)/.exec(last)?.[1];
  if (fwd === 'bypass') return 'bypass';
  if (fwd === 'stale') return 'expired';
  if (fwd) return 'miss';
  return 'other';
}
