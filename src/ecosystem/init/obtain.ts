/**
 * Getting the OpenAPI document for `init`: from a URL, from a file, or by starting the
 * service (`--start CMD`, in its own process group, stopped before `init` returns) and
 * fetching its `/openapi.json` as FastAPI serves it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { DEFAULT_OPENAPI_SOURCE, loadOpenApiDocument, type OpenApiDocument } from '../../openapi/document.js';
import { listOperations } from '../../openapi/operations.js';
import { ServiceSpec } from '../../plan/schema.js';
import { startService } from '../../run/service.js';
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
}

/** The document, and what the plan's `service` section can say about where it came from. */
export interface Obtained {
  document: OpenApiDocument;
  /** Where the document came from, in words. */
  from: string;
  service: Omit<ServiceSkeleton, 'name'>;
}

const HEALTH_PATHS = ['/healthz', '/health', '/livez', '/readyz', '/ping'];

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
  const source = options.openapi ?? DEFAULT_OPENAPI_SOURCE;
  const onService = source.startsWith('/');
  const logDir = await mkdtemp(path.join(tmpdir(), 'preflight-init-'));
  const dispatcher = new Agent();
  const config = ServiceSpec.parse({ name: 'init', start, ready: `GET ${onService ? source : '/'}` });
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
      const document = await loadOpenApiDocument({
        source,
        serviceUrl: handle.url,
        baseDir: process.cwd(),
        dispatcher,
      });
      const openapi = onService ? source : relativeFile(options.planDir, path.resolve(source));
      const from = `${source} of the service started with --start`;
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

/** `GET /healthz` when the document has such an endpoint, else `GET fallback` (none when empty). */
function ready(document: OpenApiDocument, fallback: string): string {
  const gets = new Set(
    listOperations(document.doc)
      .filter((o) => o.method === 'GET')
      .map((o) => o.path),
  );
  const found = HEALTH_PATHS.find((p) => gets.has(p)) ?? fallback;
  return found ? `GET ${found}` : '';
}

function relativeFile(planDir: string, file: string): string {
  const relative = path.relative(planDir, file).split(path.sep).join('/');
  return relative.startsWith('.') || relative.startsWith('/') ? relative : `./${relative}`;
}
