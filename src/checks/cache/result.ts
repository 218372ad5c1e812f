/** Result types of the `cache` check: what it saw through the CDN, per path and request. */

/** One request the `cache` check sent, as seen through the CDN. */
export interface CacheRequestObservation {
  /** Who asked: `anonymous`, `user A`, `user B`. */
  as: string;
  /** @asType integer */
  status: number;
  /** CDN status (`hit`, `miss`, `bypass`, `expired`, `stale`, `revalidated`, `dynamic`, `other`), null when no header said. */
  cdn: string | null;
  /** The value of the `Age` header, in seconds. */
  age: number | null;
}

/** One path of the `cache` section as the `cache` check saw it. */
export interface CacheObservation {
  path: string;
  /** public, private or static, as in the plan. */
  role: 'public' | 'private' | 'static';
  cache_control: string | null;
  vary: string | null;
  /** The header the CDN status was read from, e.g. `x-cache-status`; null when there was none. */
  cdn_header: string | null;
  requests: CacheRequestObservation[];
}
