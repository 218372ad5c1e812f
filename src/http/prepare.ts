/**
 * Turning a step's request spec into a request ready to send: templates rendered,
 * URL made absolute with its query, headers as text, body encoded.
 */

import type { RunError } from '../checks/result.js';
import { stringifyJson } from '../json/lossless.js';
import type { StepRequest } from '../plan/schema.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';
import type { PreparedRequest } from './send.js';

/** A prepared request, or why the spec could not become one. */
export type PrepareResult = { ok: true; request: PreparedRequest } | { ok: false; error: RunError };

/** Render and build a step's request; template and URL problems become a RunError. */
export function prepareRequest(spec: StepRequest, scope: TemplateScope, baseUrl: string): PrepareResult {
  let rendered: StepRequest;
  try {
    rendered = renderTemplate(spec, scope);
  } catch (error) {
    return { ok: false, error: toRunError(error, 'TEMPLATE_ERROR') };
  }
  const url = buildUrl(asText(rendered.url), baseUrl, rendered.query);
  if (!url.ok) return url;
  const body = buildBody(rendered);
  if (!body.ok) return body;
  const headers = textHeaders(rendered.headers);
  if (body.contentType && !hasHeader(headers, 'content-type')) headers['content-type'] = body.contentType;
  const request: PreparedRequest = { method: rendered.method, url: url.value, headers };
  if (body.text !== undefined) request.body = body.text;
  return { ok: true, request };
}

/** A RunError from anything thrown, keeping a stable `code` when the error has one. */
export function toRunError(error: unknown, fallbackCode: string): RunError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === 'string' ? code : fallbackCode, message };
}

type Built<T> = { ok: true; value: T } | { ok: false; error: RunError };

function buildUrl(url: string, baseUrl: string, query: StepRequest['query']): Built<string> {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
  const joined = absolute ? url : `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
  let parsed: URL;
  try {
    parsed = new URL(joined);
  } catch {
    return invalid(`the URL ${joined} is not valid`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return invalid(`the URL ${joined} is not http or https`);
  }
  for (const [name, value] of Object.entries(query ?? {})) parsed.searchParams.append(name, asText(value));
  return { ok: true, value: parsed.toString() };
}

interface EncodedBody {
  ok: true;
  text?: string;
  contentType?: string;
}

function buildBody(request: StepRequest): EncodedBody | { ok: false; error: RunError } {
  const given = (['json', 'body', 'form'] as const).filter((key) => request[key] !== undefined);
  if (given.length > 1) return invalid(`the request has both ${given.join(' and ')}; give only one body`);
  if (request.json !== undefined) {
    return { ok: true, text: stringifyJson(request.json) ?? 'null', contentType: 'application/json' };
  }
  if (request.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) form.append(name, asText(value));
    return { ok: true, text: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return request.body === undefined ? { ok: true } : { ok: true, text: asText(request.body) };
}

function textHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name] = asText(value);
  return out;
}

/** Whether `headers` has `name` (case-insensitive). */
export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === lower);
}

/** A rendered value as text: a whole-string template may have produced a number or an object. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? (stringifyJson(value) ?? '') : String(value);
}

function invalid(message: string): { ok: false; error: RunError } {
  return { ok: false, error: { code: 'HTTP_INVALID_REQUEST', message } };
}
