/**
 * The whole cache probe of a plan's `cache` section against one base URL: public paths and
 * static assets (header rules, hit/miss), then private paths with two users (header rules,
 * the cache-leak probe, the web-cache-deception probe). Usable without the check around it.
 */
import type { CacheConfig } from '../../plan/schema.js';
import { DEFAULT_DECEPTION_SUFFIXES, toSeconds } from '../../plan/schema-cache.js';
import type { TemplateScope } from '../../plan/template.js';
import type { Finding } from '../result.js';
import { deceptionUrls, probeDeception } from './deception-probe.js';
import { ANONYMOUS, type CacheClient, fetchAs, observe, withQuery } from './exchange.js';
import { cacheFinding } from './findings.js';
import { privateRules, setCookieRule, varyRule } from './header-rules.js';
import { type ProbeUsers, probePrivatePath } from './leak-probe.js';
import { probeSharedPath } from './public-probe.js';
import type { CacheObservation } from './result.js';
import { openSession } from './session.js';

/** What the probe needs. */
export interface CacheProbeOptions {
  spec: CacheConfig;
  client: CacheClient;
  /** Templates of the session steps, headers and marker are rendered in a copy of it. */
  scope: TemplateScope;
  /** Unique per run: fresh cache keys and deceptive file names. */
  nonce: string;
}

/** What the probe found. */
export interface CacheProbeResult {
  findings: Finding[];
  observations: CacheObservation[];
  /** Facts for the summary: deceptive URLs tried, private paths whose page lacked A's marker. */
  counts: { deceptionUrls: number; markerMissing: string[] };
}

/** The query parameter that gives each run's private requests their own cache entries. */
export const FRESH_KEY_PARAM = 'preflight_cache';

/** Run the cache probe; throws ProbeError when a request gets no response or a session fails. */
export async function probeCache(options: CacheProbeOptions): Promise<CacheProbeResult> {
  const { spec, client } = options;
  const result: CacheProbeResult = {
    findings: [],
    observations: [],
    counts: { deceptionUrls: 0, markerMissing: [] },
  };
  const shared = [
    ...spec.public.map((path) => ({ path, role: 'public' as const, min: toSeconds(spec.min_max_age) })),
    ...spec.static.map((path) => ({
      path,
      role: 'static' as const,
      min: toSeconds(spec.static_min_max_age),
    })),
  ];
  for (const { path, role, min } of shared) {
    const probe = await probeSharedPath(client, path, role, min);
    result.findings.push(...probe.findings);
    result.observations.push(probe.observation);
  }
  if (spec.private.length > 0) await probePrivate(options, result);
  return result;
}

async function probePrivate(options: CacheProbeOptions, result: CacheProbeResult): Promise<void> {
  const { spec, client } = options;
  if (!spec.session) {
    await probeWithoutSession(options, result);
    return;
  }
  const users: ProbeUsers = {
    a: await openSession('a', spec, options),
    b: await openSession('b', spec, options),
  };
  const suffixes =
    spec.deception === false
      ? []
      : spec.deception === true
        ? DEFAULT_DECEPTION_SUFFIXES
        : spec.deception.suffixes;
  for (const path of spec.private) {
    const url = spec.fresh_keys ? withQuery(path, FRESH_KEY_PARAM, options.nonce) : path;
    const probe = await probePrivatePath(client, { path, url }, users);
    result.findings.push(...probe.findings);
    result.observations.push(probe.observation);
    if (!probe.markerSeen) result.counts.markerMissing.push(path);
    const urls = deceptionUrls(path, suffixes, options.nonce);
    result.findings.push(...(await probeDeception(client, urls, users.a, probe.first)));
    result.counts.deceptionUrls += urls.length;
  }
}

/** Without cache.session only the headers of anonymous responses can be judged. */
async function probeWithoutSession(options: CacheProbeOptions, result: CacheProbeResult): Promise<void> {
  for (const path of options.spec.private) {
    const exchange = await fetchAs(options.client, path, ANONYMOUS);
    result.observations.push({
      path,
      role: 'private',
      cache_control: exchange.response.header('cache-control') ?? null,
      vary: exchange.response.header('vary') ?? null,
      cdn_header: exchange.cdn?.header ?? null,
      requests: [observe(exchange)],
    });
    if (exchange.response.status < 300) result.findings.push(...privateRules(exchange));
    result.findings.push(...setCookieRule(exchange), ...varyRule(exchange));
    result.findings.push(
      cacheFinding(
        'cache-leak-not-probed',
        path,
        'the cache-leak probe needs two users: add cache.session (steps that sign a user in) and cache.headers',
        'warning',
      ),
    );
  }
}
