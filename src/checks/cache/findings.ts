/**
 * The findings of the `cache` check: one rule id per problem, used as the finding's
 * `rule` and `kind`, and a message that starts with the path it is about.
 */
import type { Finding } from '../result.js';

/** Every rule the `cache` check reports, most serious first. */
export const CACHE_RULES = [
  'cache-leak',
  'cache-deception',
  'cache-private-storable',
  'cache-set-cookie-cacheable',
  'cache-vary-missing',
  'cache-public-not-cacheable',
  'cache-static-short-lived',
  'cache-static-not-immutable',
  'cache-path-status',
  'cache-deception-risk',
  'cache-not-served-from-cache',
  'cache-leak-not-probed',
] as const;

/** A rule of the `cache` check. */
export type CacheRule = (typeof CACHE_RULES)[number];

/** A finding of `rule` about `path`. */
export function cacheFinding(
  rule: CacheRule,
  path: string,
  message: string,
  severity: Finding['severity'] = 'error',
): Finding {
  return { rule, kind: rule, severity, message: `${path}: ${message}` };
}

/** Findings sorted by how serious their rule is (errors before warnings). */
export function bySeriousness(findings: Finding[]): Finding[] {
  const rank = (f: Finding): number =>
    (f.severity === 'error' ? 0 : 100) + CACHE_RULES.indexOf(f.rule as CacheRule);
  return [...findings].sort((a, b) => rank(a) - rank(b));
}
