/**
 * The dashboard's pages and assets, as a function of a request path: runs, a run (and its
 * JSON), trends, compare, assets. Pages read the store; nothing here writes to it.
 */

import { loadKindReports } from '../checks/registry.js';
import { html } from '../render/html.js';
import { renderRecord } from '../report/record.js';
import { verdictLabel } from '../run/verdict.js';
import type { RunStore } from '../store/types.js';
import { readAsset } from './assets.js';
import { renderCompareBody } from './compare-page.js';
import { renderPage } from './layout.js';
import { renderRunBody } from './run-page.js';
import { compareForm, renderRunsBody } from './runs-page.js';
import { renderTrendsBody } from './trends-page.js';

/** A response to send. */
export interface Reply {
  status: number;
  type: string;
  body: string;
  /** Whether the body may be cached (assets). */
  cacheable?: boolean;
}

const HTML = 'text/html; charset=utf-8';
const TREND_RUNS = 50;

/** The reply to `GET url`. */
export async function route(store: RunStore, url: URL): Promise<Reply> {
  const path = url.pathname;
  if (path === '/' || path === '/runs') return runsPage(store, url);
  if (path === '/trends') return trendsPage(store, url);
  if (path === '/compare') return comparePage(store, url);
  const asset = /^\/assets\/([\w.-]+)$/.exec(path);
  if (asset) {
    const found = readAsset(asset[1] as string);
    if (found) {
      const { text, type } = await found;
      return { status: 200, type: `${type}; charset=utf-8`, body: text, cacheable: true };
    }
  }
  const run = /^\/runs\/([^/]+?)(\.json)?$/.exec(path);
  if (run) {
    const id = decodeSegment(run[1] as string);
    if (id === null) return notFound(`no page at ${path}: the address is not valid percent-encoding`);
    return runPage(store, id, run[2] !== undefined);
  }
  return notFound(`no page at ${path}`);
}

async function runsPage(store: RunStore, url: URL): Promise<Reply> {
  const service = url.searchParams.get('service') ?? undefined;
  const [runs, services] = await Promise.all([store.listRuns({ service, limit: 200 }), store.services()]);
  const body = renderRunsBody({ runs, services, service, location: store.location });
  return page('preflight: runs', body);
}

async function runPage(store: RunStore, runId: string, json: boolean): Promise<Reply> {
  const run = await store.getRun(runId);
  if (!run) return notFound(`no run ${runId} in the history`);
  if (json)
    return {
      status: 200,
      type: 'application/json; charset=utf-8',
      body: `${JSON.stringify(run.result, null, 2)}\n`,
    };
  const verdict = verdictLabel(run.summary);
  const kinds = await loadKindReports(run.result);
  // Runs recorded since the store's version 3 keep no record text: it is rendered from the result.
  const record_md = run.record_md ?? renderRecord(run.result, kinds);
  return page(
    `preflight: ${verdict} ${run.summary.service} ${run.summary.run_id}`,
    renderRunBody({ ...run, record_md }, kinds, { dashboard: true }),
  );
}

async function trendsPage(store: RunStore, url: URL): Promise<Reply> {
  const only = url.searchParams.get('service');
  const services = only ? [only] : await store.services();
  const data = await Promise.all(
    services.map(async (service) => ({
      service,
      points: await store.trends({ service, limit: TREND_RUNS }),
    })),
  );
  return page('preflight: trends', renderTrendsBody({ services: data }));
}

async function comparePage(store: RunStore, url: URL): Promise<Reply> {
  const a = url.searchParams.get('a');
  const b = url.searchParams.get('b');
  const [before, after] = await Promise.all([a ? store.getRun(a) : null, b ? store.getRun(b) : null]);
  if (before && after)
    return page('preflight: compare', renderCompareBody(before, after, await loadKindReports(after.result)));
  const runs = await store.listRuns({ limit: 200 });
  const missing = [a && !before ? a : null, b && !after ? b : null].filter(Boolean);
  const body = html`<h1>Compare two runs</h1>
${missing.length > 0 ? html`<p class="status-fail">Not in the history: ${missing.join(', ')}</p>` : ''}
${runs.length >= 2 ? compareForm(runs, a ?? undefined, b ?? undefined) : html`<p>At least two runs are needed to compare.</p>`}`;
  return page('preflight: compare', body, missing.length > 0 ? 404 : 200);
}

function page(title: string, body: ReturnType<typeof html>, status = 200): Reply {
  return { status, type: HTML, body: renderPage({ title, body, assets: { kind: 'linked' }, nav: true }) };
}

/** A percent-decoded path segment, or null when it is malformed (`%ZZ`, a lone surrogate). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function notFound(message: string): Reply {
  return page(
    'preflight: not found',
    html`<h1>Not found</h1><p>${message}</p><p><a href="/">all runs</a></p>`,
    404,
  );
}
