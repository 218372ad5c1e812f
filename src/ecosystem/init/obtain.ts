/**
 * Getting the OpenAPI document for `init`: from a URL, from a file, or by starting the
 * service (`--start CMD`, or the command `init` found, in its own process group, stopped
 * before `init` returns) and fetching its document: where the source's `openapi_url` says,
 * else where its `/docs` page points, else `/openapi.json` as FastAPI serves it by default.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, type Dispatcher, request } from 'undici';
import { DEFAULT_OPENAPI_SOURCE, loadOpenApiDocument, type OpenApiDocument } from '../../openapi/document.js';
import { listOperations } from '../../openapi/operations.js';
import { ServiceSpec } from '../../plan/schema.js';
import { startService } from '../../process/service.js';
import type { ServiceSkeleton } from './skeleton.js';

/** Where `init` reads the document from. */
export interface ObtainOptions {
  /** `--openapi`: a URL, a file, or (with `--start`) a path on the service. */
  openapi?: string | undefined;
  /** `--start`: the command that starts the service on `{port}`. */
  start?: string | undefined;
  /** The directory of the plan being written (where `start` runs, what file paths are relative to). */
  planDir: string;
  signal: AbortSignal;
  /** Without `openapi`: the path the app's source names (`openapi_url`), tried first. */
  openapiHint?: string | undefined;
}

/** The document, and what the plan's `service` section can say about where it came from. */
export interface Obtained {
  document: OpenApiDocument;
  /** Where the document came from, in words. */
  from: string;
  service: Omit<ServiceSkeleton, 'name'>;
}

const HEALTH_PATHS = ['/healthz', '/health', '/livez', '/readyz', '/ping'];
/** A health route under a prefix, e.g. `/api/v1/utils/health-check/`. */
const HEALTH_ROUTE = /\/(healthz?|health[-_]?check|livez|readyz|ping)\/?$/i;

/** Read the document as the options say. Throws OpenApiError or ServiceError. */
export async function obtainDocument(options: ObtainOptions): Promise<Obtained> {
  if (options.start) return fromStartedService(options, options.start);
  const source = options.openapi ?? '';
  if (/^https?:\/\//i.test(source)) {
    const document = await loadOpenApiDocument({ source, serviceUrl: '', baseDir: process.cwd() });
    const url = new URL(source);
    const service = { url: url.origin, openapi: url.pathname, ready: ready(document, url.pathname) };
    return { document, from: source, service };
  }
  const file = path.resolve(source);
  const document = await loadOpenApiDocument({
    source: `file://${file}`,
    serviceUrl: '',
    baseDir: process.cwd(),
  });
  // A file says nothing about where the service runs: `start` stays a TODO placeholder.
  const service: Omit<ServiceSkeleton, 'name'> = { openapi: relativeFile(options.planDir, file) };
  const health = ready(document, '');
  if (health) service.ready = health;
  return { document, from: path.relative(process.cwd(), file) || file, service };
}

async function fromStartedService(options: ObtainOptions, start: string): Promise<Obtained> {
  const given = options.openapi;
  const onService = given === undefined || given.startsWith('/');
  const logDir = await mkdtemp(path.join(tmpdir(), 'preflight-init-'));
  const dispatcher = new Agent();
  // Without --openapi the document's path is not known yet: up is any answer below 500.
  const config = ServiceSpec.parse(
    given === undefined
      ? { name: 'init', start }
      : { name: 'init', start, ready: `GET ${onService ? given : '/'}` },
  );
  try {
    const handle = await startService({
      config,
      planDir: options.planDir,
      logFile: path.join(logDir, 'service.log'),
      env: {},
      signal: options.signal,
      dispatcher,
    });
    try {
      const { document, source } = await discoverDocument(handle.url, dispatcher, options);
      const openapi = onService ? source : relativeFile(options.planDir, path.resolve(source));
      const from = `${source} of the service started with \`${start}\``;
      return {
        document,
        from,
        service: { start, openapi, ready: ready(document, onService ? source : '/') },
      };
    } finally {
      await handle.stop();
    }
  } finally {
    await dispatcher.close().catch(() => {});
    await rm(logDir, { recursive: true, force: true });
  }
}

/** The document at --openapi, else at the source's `openapi_url`, the `/docs` page's URL, `/openapi.json`. */
async function discoverDocument(
  serviceUrl: string,
  dispatcher: Dispatcher,
  options: ObtainOptions,
): Promise<{ document: OpenApiDocument; source: string }> {
  const load = (source: string) =>
    loadOpenApiDocument({ source, serviceUrl, baseDir: process.cwd(), dispatcher });
  if (options.openapi) return { document: await load(options.openapi), source: options.openapi };
  const tried: string[] = [];
  let last: unknown;
  const attempt = async (source: string | undefined) => {
    if (!source || tried.includes(source)) return undefined;
    tried.push(source);
    try {
      return { document: await load(source), source };
    } catch (error) {
      last = error;
      return undefined;
    }
  };
  const found =
    (await attempt(options.openapiHint)) ??
    (await attempt(await docsPageUrl(serviceUrl, dispatcher))) ??
    (await attempt(DEFAULT_OPENAPI_SOURCE));
  if (found) return found;
  const error = last as Error & { code?: string };
  error.message = `no OpenAPI document at ${tried.join(', ')} (nor named by /docs): ${error.message}; give --openapi PATH`;
  throw error;
}

/** The document URL FastAPI's Swagger UI page (`/docs`) loads, e.g. `/api/v1/openapi.json`. */
async function docsPageUrl(serviceUrl: string, dispatcher: Dispatcher): Promise<string | undefined> {
  try {
    const answer = await request(new URL('/docs', serviceUrl), {
      dispatcher,
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    const text = await answer.body.text();
    if (answer.statusCode !== 200) return undefined;
    const url = /\burl:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
    return url?.startsWith('/') ? url : undefined;
  } catch {
    return undefined;
  }
}

/** `GET /healthz` when the document has such an endpoint, else `GET fallback` (none when empty). */
function ready(document: OpenApiDocument, fallback: string): string {
  const gets = new Set(
    listOperations(document.doc)
      .filter((o) => o.method === 'GET')
      .map((o) => o.path),
  );
  const prefixed = [...gets]
    .filter((p) => HEALTH_ROUTE.test(p) && !p.includes('{'))
    .sort((a, b) => a.length - b.length);
  const found = HEALTH_PATHS.find((p) => gets.has(p)) ?? prefixed[0] ?? fallback;
  return found ? `GET ${found}` : '';
}

function relativeFile(planDir: string, file: string): string {
  const relative = path.relative(planDir, file).split(path.sep).join('/');
  return relative.startsWith('.') || relative.startsWith('/') ? relative : `./${relative}`;
}
