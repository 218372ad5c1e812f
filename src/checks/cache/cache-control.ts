/**
 * Reading `Cache-Control` (RFC 9111 §5.2) and `Vary` the way a shared cache does.
 */

/** Directives by lower-case name; a directive without a value is `true`. */
export type Directives = Map<string, string | true>;

/** Parse a Cache-Control value (absent: no directives). */
export function parseCacheControl(value: string | undefined): Directives {
  const out: Directives = new Map();
  if (!value) return out;
  for (const part of value.split(',')) {
    const m = /^\s*([A-Za-z0-9_-]+)\s*(?:=\s*(?:"([^"]*)"|([^\s,]*)))?\s*$/.exec(part);
    if (!m) continue;
    const name = (m[1] as string).toLowerCase();
    const arg = m[2] ?? m[3];
    out.set(name, arg === undefined ? true : arg);
  }
  return out;
}

/** A delta-seconds directive (`max-age`, `s-maxage`) as a number; undefined when absent or malformed. */
export function seconds(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The freshness lifetime a shared cache gives the response: `s-maxage`, else `max-age`. */
export function sharedMaxAge(directives: Directives): number | undefined {
  return seconds(directives, 's-maxage') ?? seconds(directives, 'max-age');
}

/** Whether a shared cache may keep the response at all (no `no-store`, no `private`). */
export function sharedStorable(directives: Directives): boolean {
  return !directives.has('no-store') && !directives.has('private');
}

/**
 * Whether a shared cache would store the response and serve it without asking the origin:
 * storable, with an explicit positive lifetime or `public`, and no `no-cache`.
 */
export function sharedCacheable(directives: Directives): boolean {
  if (!sharedStorable(directives) || directives.has('no-cache')) return false;
  return directives.has('public') || (sharedMaxAge(directives) ?? 0) > 0;
}

/** The lower-case header names a `Vary` value lists (`*` stays `*`). */
export function parseVary(value: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (value ?? '').split(',')) {
    const name = part.trim().toLowerCase();
    if (name) out.add(name);
  }
  return out;
}

/** Whether `Vary` makes the cache key include `header` (or everything, with `*`). */
export function varyCovers(vary: Set<string>, header: string): boolean {
  return vary.has('*') || vary.has(header.toLowerCase());
}
