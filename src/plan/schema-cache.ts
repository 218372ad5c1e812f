/**
 * The plan's `cache` section: which paths go through the CDN or caching proxy, which are
 * private (personal) and which public, and how to get a session for two users (A and B)
 * so that the cache-leak probe can tell whether B receives A's page.
 *
 * Built by a factory that takes the step schema, so that this file needs nothing from
 * `schema.ts` at load time (the two would otherwise import each other).
 */
import { z } from 'zod';
import { GateKeys } from './schema-gate.js';

/** A max-age: whole seconds, or a string such as `60s`, `10m`, `1h`, `365d`. */
export const AgeSpec = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+\s*(s|m|h|d)$/)])
  .describe('seconds, or a string such as "60s", "10m", "1h", "365d"');

const UrlPath = z
  .string()
  .regex(/^\//, 'a path starts with "/"')
  .describe('a path (and query) relative to cache.url, e.g. "/products?limit=5"');

/** Default suffixes of the web-cache-deception probe; `{nonce}` is unique per run. */
export const DEFAULT_DECEPTION_SUFFIXES = [
  '/{nonce}.css',
  '/{nonce}.js',
  '/{nonce}.png',
  ';{nonce}.css',
  '%2F{nonce}.css',
];

/** Build the `cache` section's schema around the plan's step and duration schemas. */
export function cacheSpec<S extends z.ZodType, D extends z.ZodType>(parts: { step: S; duration: D }) {
  const { step, duration } = parts;
  const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
  return z.strictObject({
    ...GateKeys,
    url: z
      .string()
      .min(1)
      .optional()
      .describe('base URL through the CDN or caching proxy, e.g. "{{ env.CDN_URL }}"; default: the service'),
    blocking: z.boolean().default(true),
    timeout: duration.optional().describe('per request (default 10s)'),
    public: z.array(UrlPath).default([]).describe('must be cacheable by a shared cache for min_max_age'),
    private: z.array(UrlPath).default([]).describe('personal pages: never storable by a shared cache'),
    static: z.array(UrlPath).default([]).describe('assets: long-lived, `immutable` when fingerprinted'),
    min_max_age: AgeSpec.default('60s').describe('the least shared max-age of a public path'),
    static_min_max_age: AgeSpec.default('7d').describe('the least max-age of a static asset'),
    session: z
      .strictObject({
        variables: z.record(z.string(), Scalar).optional(),
        steps: z.array(step).min(1),
      })
      .optional()
      .describe('steps run once for user A and once for user B; {{ cache_user }} is unique per user'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('sent with every request as a user, e.g. { Authorization: "Bearer {{ token }}" }'),
    marker: z
      .union([
        z.string().min(1),
        z.strictObject({ value: z.string().min(1), secret: z.boolean().default(false) }),
      ])
      .optional()
      .describe('a value only user A\'s private pages contain; default "{{ cache_user }}"'),
    deception: z
      .union([z.boolean(), z.strictObject({ suffixes: z.array(z.string().min(1)).min(1) })])
      .default(true)
      .describe('probe /private/path/x.css and similar; `{nonce}` in a suffix is unique per run'),
    fresh_keys: z
      .boolean()
      .default(true)
      .describe('add a unique query parameter to private paths, so each run probes new cache entries'),
  });
}

/** Convert a plan max-age to seconds. */
export function toSeconds(age: z.output<typeof AgeSpec>): number {
  if (typeof age === 'number') return age;
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(age);
  if (!m) throw new Error(`invalid max-age ${age}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
