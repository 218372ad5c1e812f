/**
 * Loading an OpenAPI document (3.0 or 3.1) from the service, a URL or a file, with every
 * external `$ref` bundled in by @apidevtools/json-schema-ref-parser (imported lazily, so
 * runs that never validate against OpenAPI do not load it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Dispatcher, request } from 'undici';
import { parse as parseYaml } from 'yaml';

/** The OpenAPI versions preflight validates against. */
export type OpenApiVersion = '3.0' | '3.1';

/** A loaded OpenAPI document: every `$ref` in it is internal (`#/...`). */
export interface OpenApiDocument {
  version: OpenApiVersion;
  /** Where it came from (URL or file), for messages. */
  location: string;
  doc: Record<string, unknown>;
}

/** Where the document is: a service path (`/openapi.json`), an http(s) URL, or a file. */
export interface OpenApiSourceSpec {
  /** `service.openapi` of the plan; `/openapi.json` when absent. */
  source: string;
  /** The service URL that service paths are relative to. */
  serviceUrl: string;
  /** Files are relative to this directory (the plan's). */
  baseDir: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

export type OpenApiErrorCode = 'OPENAPI_UNAVAILABLE' | 'OPENAPI_INVALID';

/** The OpenAPI document could not be read or is not one preflight can use. */
export class OpenApiError extends Error {
  readonly code: OpenApiErrorCode;
  constructor(code: OpenApiErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'OpenApiError';
    this.code = code;
  }
}

/** The default place of the document: FastAPI's. */
export { DEFAULT_OPENAPI_SOURCE } from './validator.js';

/** Resolve a source spec to a URL or an absolute file path. */
export function resolveOpenApiLocation(spec: OpenApiSourceSpec): { kind: 'url' | 'file'; location: string } {
  const source = spec.source.trim();
  if (/^https?:\/\//i.test(source)) return { kind: 'url', location: source };
  if (source.startsWith('/'))
    return { kind: 'url', location: `${spec.serviceUrl.replace(/\/+$/, '')}${source}` };
  if (source.startsWith('file://')) return { kind: 'file', location: new URL(source).pathname };
  return { kind: 'file', location: path.resolve(spec.baseDir, source) };
}

/** Fetch or read the document, bundle its external refs, and check its version. */
export async function loadOpenApiDocument(spec: OpenApiSourceSpec): Promise<OpenApiDocument> {
  const { kind, location } = resolveOpenApiLocation(spec);
  const text = kind === 'url' ? await fetchText(location, spec) : await readText(location);
  const parsed = parseDocument(text, location);
  const bundled = await bundleRefs(parsed, location);
  return { version: detectVersion(bundled, location), location, doc: bundled };
}

async function fetchText(url: string, spec: OpenApiSourceSpec): Promise<string> {
  const timeoutMs = spec.timeoutMs ?? 10_000;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.1' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(spec.dispatcher ? { dispatcher: spec.dispatcher } : {}),
    });
    const body = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new OpenApiError(
        'OPENAPI_UNAVAILABLE',
        `GET ${url} answered ${res.statusCode}: set service.openapi to where the OpenAPI document is`,
      );
    }
    return body;
  } catch (error) {
    if (error instanceof OpenApiError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new OpenApiError(
      'OPENAPI_UNAVAILABLE',
      `could not fetch the OpenAPI document ${url}: ${why}`,
      error,
    );
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OpenApiError(
      'OPENAPI_UNAVAILABLE',
      `could not read the OpenAPI document ${file}: ${why}`,
      error,
    );
  }
}

function parseDocument(text: string, location: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OpenApiError('OPENAPI_INVALID', `${location} is neither JSON nor YAML: ${why}`, error);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OpenApiError('OPENAPI_INVALID', `${location} is not an OpenAPI document (not an object)`);
  }
  return value as Record<string, unknown>;
}

async function bundleRefs(doc: Record<string, unknown>, location: string): Promise<Record<string, unknown>> {
  const { $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  try {
    // bundle() leaves only internal refs (and copes with circular ones), which ajv resolves itself.
    const parser = new $RefParser();
    const bundled = await parser.bundle(location, structuredClone(doc), {
      resolve: { http: { timeout: 10_000 } },
    });
    return bundled as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new OpenApiError('OPENAPI_INVALID', `could not resolve the $refs of ${location}: ${why}`, error);
  }
}

function detectVersion(doc: Record<string, unknown>, location: string): OpenApiVersion {
  const declared = doc.openapi;
  if (typeof declared === 'string' && /^3\.0\./.test(declared)) return '3.0';
  if (typeof declared === 'string' && /^3\.1\./.test(declared)) return '3.1';
  const what =
    typeof declared === 'string' ? `openapi: ${declared}` : doc.swagger ? 'Swagger 2.0' : 'no openapi field';
  throw new OpenApiError('OPENAPI_INVALID', `${location} is not OpenAPI 3.0 or 3.1 (${what})`);
}
