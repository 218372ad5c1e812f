/**
 * The `cache` check: the plan's `cache` section probed through the CDN or caching proxy.
 * When `cache.url` needs an environment variable or secret that is not set, the check is
 * skipped with the reason, unless it was asked for by name (`--only cache`): then it errors.
 */
import { randomBytes } from 'node:crypto';
import { toMs } from '../../plan/duration.js';
import type { CacheConfig } from '../../plan/schema.js';
import { listReferences, renderString, TemplateError } from '../../plan/template.js';
import type { CoverageItem, Finding } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { ProbeError } from './exchange.js';
import { bySeriousness } from './findings.js';
import { type CacheProbeResult, probeCache } from './probe.js';

/** How the check was selected. */
export interface CacheCheckOptions {
  /** `--only cache`: a cache.url that cannot be resolved is an error, not a skip. */
  explicit: boolean;
}

const DEFAULT_TIMEOUT = '10s';

/** Build the `cache` check from the plan's `cache` section. */
export function defineCacheCheck(spec: CacheConfig, options: CacheCheckOptions): CheckDefinition {
  const paths = spec.public.length + spec.static.length + spec.private.length;
  const perRequest = toMs(spec.timeout ?? DEFAULT_TIMEOUT);
  return {
    id: 'cache',
    kind: 'cache',
    blocking: spec.blocking,
    needs: [],
    // Each request is bounded by its timeout; this bounds the whole probe generously.
    timeoutMs: Math.max(60_000, (paths * 10 + 10) * perRequest),
    run: (ctx) => runCacheCheck(spec, options, ctx),
  };
}

type BaseUrl = { ok: true; url: string; serviceUrl: string } | { ok: false; outcome: CheckOutcome };

async function runCacheCheck(
  spec: CacheConfig,
  options: CacheCheckOptions,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const base = await resolveBaseUrl(spec, options, ctx);
  if (!base.ok) return base.outcome;
  const client = {
    baseUrl: base.url,
    dispatcher: ctx.dispatcher,
    timeoutMs: toMs(spec.timeout ?? DEFAULT_TIMEOUT),
    signal: ctx.signal,
  };
  let probe: CacheProbeResult;
  try {
    const nonce = randomBytes(6).toString('hex');
    probe = await probeCache({ spec, client, scope: ctx.scope(base.serviceUrl), nonce });
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    if (error.code === 'RUN_CANCELLED')
      return { status: 'skip', summary: 'cancelled', skip_reason: 'run cancelled' };
    const message = `the cache probe through ${base.url} could not go on: ${error.message}`;
    return { status: 'error', summary: message, error: { code: error.code, message } };
  }
  return summarize(probe, base.url, spec);
}

async function resolveBaseUrl(
  spec: CacheConfig,
  options: CacheCheckOptions,
  ctx: CheckContext,
): Promise<BaseUrl> {
  const template = spec.url;
  const needsService = template === undefined || listReferences(template).includes('service.url');
  const serviceUrl = needsService ? (await ctx.service()).url : '';
  if (template === undefined) return { ok: true, url: serviceUrl, serviceUrl };
  let url: string;
  try {
    url = String(renderString(template, ctx.scope(serviceUrl))).trim();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const missing = error.code === 'TEMPLATE_MISSING_ENV' || error.code === 'TEMPLATE_MISSING_SECRET';
    return {
      ok: false,
      outcome: unresolved(template, error.message, error.code, missing && !options.explicit),
    };
  }
  if (url === '') {
    const why = 'it renders to an empty string';
    return { ok: false, outcome: unresolved(template, why, 'CACHE_URL_EMPTY', !options.explicit) };
  }
  if (!/^https?:\/\/[^/]+/.test(url)) {
    const message = `cache.url "${template}" is "${url}", not an http(s) URL`;
    return {
      ok: false,
      outcome: { status: 'error', summary: message, error: { code: 'CACHE_URL_INVALID', message } },
    };
  }
  return { ok: true, url: url.replace(/\/+$/, ''), serviceUrl: serviceUrl || url };
}

/** cache.url could not be resolved: a skip (the CDN is not there in this environment) or an error. */
function unresolved(template: string, why: string, code: string, skip: boolean): CheckOutcome {
  if (skip) {
    const reason = `cache.url "${template}" cannot be resolved: ${why} (set it to the CDN's base URL to run the cache check)`;
    return { status: 'skip', summary: reason, skip_reason: reason };
  }
  const message = `cache.url "${template}" cannot be resolved: ${why}; set it to the base URL of the CDN or caching proxy in front of the service`;
  return { status: 'error', summary: message, error: { code, message } };
}

function summarize(probe: CacheProbeResult, baseUrl: string, spec: CacheConfig): CheckOutcome {
  const findings = bySeriousness(probe.findings);
  const errors = findings.filter((f) => f.severity === 'error');
  const common = { findings, cache: probe.observations, coverage: cacheCoverage(probe, spec) };
  if (errors.length > 0) return { status: 'fail', summary: failSummary(errors), ...common };
  return { status: 'pass', summary: passSummary(probe, baseUrl, findings.length), ...common };
}

/** Paths probed through the CDN, and private paths probed as two users (asked only with a session). */
function cacheCoverage(probe: CacheProbeResult, spec: CacheConfig): CoverageItem[] {
  const asked = spec.public.length + spec.static.length + spec.private.length;
  const privates = probe.observations.filter((o) => o.role === 'private');
  const out: CoverageItem[] = [
    { what: 'paths probed through the CDN', covered: probe.observations.length, asked },
  ];
  if (spec.session && spec.private.length > 0)
    out.push({
      what: 'private paths probed as two users',
      covered: privates.filter((o) => o.requests.length > 1).length,
      asked: spec.private.length,
    });
  return out;
}

/** e.g. "cache-leak on /me, /cart (4 errors, first: /me: user B received user A's marker ...)". */
function failSummary(errors: Finding[]): string {
  const first = errors[0] as Finding;
  const paths = [
    ...new Set(errors.filter((f) => f.rule === first.rule).map((f) => f.message.split(': ')[0])),
  ];
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  const headline = first.message.split('; ')[0] ?? first.message;
  return `${first.rule} on ${paths.join(', ')} (${count}; first: ${headline})`;
}

/** e.g. "through http://127.0.0.1:8080: 2 public paths, hit on the second request 2 of 2; 3 private paths, no leak". */
function passSummary(probe: CacheProbeResult, baseUrl: string, warnings: number): string {
  const shared = probe.observations.filter((o) => o.role !== 'private');
  const hits = shared.filter((o) => o.requests[1]?.cdn === 'hit').length;
  const withStatus = shared.filter((o) => o.cdn_header !== null).length;
  const privates = probe.observations.filter((o) => o.role === 'private');
  const parts = [];
  if (shared.length > 0) {
    const hitNote =
      withStatus > 0 ? `, second request a hit for ${hits} of ${shared.length}` : ', no CDN status header';
    const what = shared.some((o) => o.role === 'static') ? 'public paths and assets' : 'public paths';
    parts.push(`${shared.length} ${what} cacheable${hitNote}`);
  }
  if (privates.length > 0) {
    const probed = privates.some((o) => o.requests.length > 1);
    parts.push(
      `${privates.length} private path${privates.length === 1 ? '' : 's'} ${probed ? 'not shared between users A, B and anonymous' : 'marked private'}`,
    );
  }
  const missing = probe.counts.markerMissing;
  if (missing.length > 0)
    parts.push(`A's marker not in ${missing.join(', ')} (judged by the CDN status there)`);
  if (probe.counts.deceptionUrls > 0)
    parts.push(`${probe.counts.deceptionUrls} cache-deception URLs not served from the cache`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `through ${baseUrl}: ${parts.join('; ') || 'no path to check'}`;
}
