/**
 * A Postman request as a step's `request`: method, URL (relative when it starts with the
 * base URL variable), query, headers, body (JSON, form, text, GraphQL) and auth (bearer,
 * basic, API key). What has no equivalent is reported through `note`.
 */
import type { KeyValue, PostmanAuth, PostmanRequest } from './collection.js';
import type { VariableMap } from './variables.js';

/** What a request needs from the collection. */
export interface RequestContext {
  vars: VariableMap;
  /** The Postman name of the base URL variable (`baseUrl`), if the collection has one. */
  baseVariable: string | undefined;
  /** The auth in effect (the request's own, else its folder's, else the collection's). */
  auth: PostmanAuth | undefined;
  /** Where the request is (`Folder › Request`), for notes. */
  where: string;
  note: (what: string) => void;
}

/** The step's `request`. */
export function convertRequest(req: PostmanRequest, ctx: RequestContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.method !== 'GET') out.method = req.method;
  // A URL that is only a query (`?x=1`) or only the base URL variable is the root.
  out.url = ctx.vars.rewrite(urlOf(req, ctx), ctx.where) || '/';
  const query = enabled(req.url.query);
  if (query.length > 0)
    out.query = Object.fromEntries(query.map((q) => [q.key, ctx.vars.rewrite(q.value, ctx.where)]));
  const headers: Record<string, string> = {};
  for (const h of enabled(req.headers)) headers[h.key] = ctx.vars.rewrite(h.value, ctx.where);
  const query2 = applyAuth(ctx.auth, headers, ctx);
  if (query2) out.query = { ...((out.query as Record<string, string>) ?? {}), ...query2 };
  const body = convertBody(req, headers, ctx);
  if (Object.keys(headers).length > 0) out.headers = headers;
  if (body) Object.assign(out, body);
  return out;
}

/** The URL without its query, path variables (`:id`) filled, the base URL variable cut off. */
function urlOf(req: PostmanRequest, ctx: RequestContext): string {
  let url = req.url.raw.split('?')[0] ?? '';
  for (const v of req.url.variables)
    url = url.replace(new RegExp(`:${escapeRegExp(v.key)}(?=/|$)`), v.value || `{{${v.key}}}`);
  const base = ctx.baseVariable
    ? new RegExp(`^\\{\\{\\s*${escapeRegExp(ctx.baseVariable)}\\s*\\}\\}`)
    : undefined;
  if (base?.test(url)) {
    const rest = url.replace(base, '');
    return rest.startsWith('/') ? rest : `/${rest}`;
  }
  return url;
}

function applyAuth(
  auth: PostmanAuth | undefined,
  headers: Record<string, string>,
  ctx: RequestContext,
): Record<string, string> | undefined {
  if (!auth || auth.type === 'noauth') return undefined;
  const p = auth.params;
  if (auth.type === 'bearer') {
    headers.Authorization = `Bearer ${ctx.vars.rewrite(p.token ?? '', ctx.where)}`;
    return undefined;
  }
  if (auth.type === 'basic') {
    // Credentials never go into the plan: the header comes from a secret.
    ctx.note(
      'basic auth: set the secret BASIC_AUTH to base64("user:password"); the credentials are not copied',
    );
    headers.Authorization = 'Basic {{ secrets.BASIC_AUTH }}';
    return undefined;
  }
  if (auth.type === 'apikey') {
    const name = p.key || 'X-API-Key';
    const value = ctx.vars.rewrite(p.value ?? '', ctx.where);
    if (p.in === 'query') return { [name]: value };
    headers[name] = value;
    return undefined;
  }
  ctx.note(`${auth.type} auth has no preflight equivalent: add the credentials as headers`);
  return undefined;
}

function convertBody(
  req: PostmanRequest,
  headers: Record<string, string>,
  ctx: RequestContext,
): Record<string, unknown> | undefined {
  const body = req.body;
  if (!body) return undefined;
  if (body.mode === 'raw' && body.raw !== undefined && body.raw.trim() !== '') {
    const jsonish = body.language === 'json' || /json/i.test(headerValue(headers, 'content-type') ?? '');
    const json = jsonish ? parseTemplatedJson(body.raw) : undefined;
    if (json !== undefined) {
      deleteHeader(headers, 'content-type');
      return { json: ctx.vars.rewriteDeep(json, ctx.where) };
    }
    return { body: ctx.vars.rewrite(body.raw, ctx.where) };
  }
  if (body.mode === 'urlencoded') {
    deleteHeader(headers, 'content-type');
    return {
      form: Object.fromEntries(
        enabled(body.fields).map((f) => [f.key, ctx.vars.rewrite(f.value, ctx.where)]),
      ),
    };
  }
  if (body.mode === 'graphql' && body.graphql) {
    const variables = body.graphql.variables ? parseTemplatedJson(body.graphql.variables) : undefined;
    return {
      json: ctx.vars.rewriteDeep(
        { query: body.graphql.query, ...(variables ? { variables } : {}) },
        ctx.where,
      ),
    };
  }
  if (body.mode === 'formdata' || body.mode === 'file') {
    ctx.note(
      `a ${body.mode} body (multipart or file upload) is not converted: preflight sends JSON, form or text bodies`,
    );
  }
  return undefined;
}

/** JSON that may hold bare `{{var}}` values: each becomes a whole-string template, keeping its type. */
function parseTemplatedJson(raw: string): unknown {
  const quoted = raw.replace(/"(?:\\.|[^"\\])*"|(\{\{\s*[^{}\s]+\s*\}\})/g, (m, bare: string | undefined) =>
    bare ? JSON.stringify(bare) : m,
  );
  try {
    return JSON.parse(quoted);
  } catch {
    return undefined;
  }
}

function enabled(list: KeyValue[]): KeyValue[] {
  return list.filter((kv) => !kv.disabled && kv.key !== '');
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
