/**
 * A Postman request as a step's `request`: method, URL (relative when it starts with the
 * base URL variable or the collection's common origin), query (of a URL object or of a URL
 * string), headers, body (JSON, form, text, GraphQL) and auth (bearer, basic, API key).
 * Literal credentials (a bearer token, an API key, a password in a header, the query or the
 * auth) never reach the plan: they become `{{ secrets.NAME }}`. What has no equivalent is
 * reported through `note`.
 */
import { isSecretHeader } from '../../secrets/names.js';

/** A header or query parameter name that carries a credential (`api_key`, `X-Auth-Token`, `password`). */
export function isCredentialName(name: string): boolean {
  return /(^|[-_])(access[-_]?token|token|secret|password|passwd|pwd|api[-_]?key|apikey|key|signature|sig|session|credentials?)($|[-_])/i.test(
    name,
  );
}

import type { KeyValue, PostmanAuth, PostmanRequest } from './collection.js';
import type { VariableMap } from './variables.js';

/** Literal credentials found in the collection: each becomes a secret of the plan. */
export class SecretSink {
  /** Secret name -> the literal value (used in memory by `run --plan COLLECTION`, never written). */
  readonly values = new Map<string, string>();

  /** The template for a literal credential, `{{ secrets.NAME }}`, with NAME derived from `hint`. */
  secret(value: string, hint: string): string {
    for (const [name, known] of this.values) if (known === value) return `{{ secrets.${name} }}`;
    const base =
      hint
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'SECRET';
    let name = /^[A-Z_]/.test(base) ? base : `_${base}`;
    for (let n = 2; this.values.has(name); n++) name = `${base}_${n}`;
    this.values.set(name, value);
    return `{{ secrets.${name} }}`;
  }
}

/** What a request needs from the collection. */
export interface RequestContext {
  vars: VariableMap;
  /** The Postman name of the base URL variable (`baseUrl`), if the collection has one. */
  baseVariable: string | undefined;
  /** The auth in effect (the request's own, else its folder's, else the collection's). */
  auth: PostmanAuth | undefined;
  /** The origin most absolute URLs share (`http://127.0.0.1:8000`), cut off like the base variable. */
  origin?: string | undefined;
  /** Where the request is (`Folder › Request`), for notes. */
  where: string;
  note: (what: string) => void;
  secrets: SecretSink;
}

/** The step's `request`. */
export function convertRequest(req: PostmanRequest, ctx: RequestContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.method !== 'GET') out.method = req.method;
  // A URL that is only a query (`?x=1`) or only the base URL variable is the root.
  out.url = ctx.vars.rewrite(urlOf(req, ctx), ctx.where) || '/';
  const query = queryOf(req);
  if (query.length > 0)
    out.query = Object.fromEntries(
      query.map((q) => [
        q.key,
        literalSecret(ctx.vars.rewrite(q.value, ctx.where), q.key, isCredentialName(q.key), ctx),
      ]),
    );
  const headers: Record<string, string> = {};
  const login = userinfo(req.url.raw);
  if (login) {
    ctx.note(
      'a user and password in the URL are not copied: they are sent as basic auth from the secret it names',
    );
    headers.Authorization = `Basic ${ctx.secrets.secret(Buffer.from(login).toString('base64'), 'URL_BASIC_AUTH')}`;
  }
  for (const h of enabled(req.headers)) {
    const value = ctx.vars.rewrite(h.value, ctx.where);
    headers[h.key] = literalSecret(value, h.key, isSecretHeader(h.key) || isCredentialName(h.key), ctx);
  }
  const query2 = applyAuth(ctx.auth, headers, ctx);
  if (query2) out.query = { ...((out.query as Record<string, string>) ?? {}), ...query2 };
  const body = convertBody(req, headers, ctx);
  if (Object.keys(headers).length > 0) out.headers = headers;
  if (body) Object.assign(out, body);
  return out;
}

/**
 * A literal value under a credential-like name goes to a secret; a header value with a
 * literal token after its scheme (`Bearer abc`) keeps the scheme.
 */
function literalSecret(value: string, name: string, secretName: boolean, ctx: RequestContext): string {
  // A value that names a variable is no literal; a lone `{{` (`{{abc`) is text like any other.
  if (value === '' || /\{\{[^{}]*\}\}/.test(value)) return value;
  const scheme = /^(Bearer|Token|Basic|Digest|ApiKey|JWT)\s+(\S.*)$/i.exec(value);
  if (scheme) {
    ctx.note(`a literal ${scheme[1]} credential in ${name} is not copied: set the secret it names`);
    return `${scheme[1]} ${ctx.secrets.secret(scheme[2] as string, name)}`;
  }
  if (!secretName) return value;
  ctx.note(`the literal value of ${name} is not copied: set the secret it names`);
  return ctx.secrets.secret(value, name);
}

/** The query of a URL object, or the one written in a URL string (`/articles?author=x`). */
function queryOf(req: PostmanRequest): KeyValue[] {
  if (req.url.query.length > 0) return enabled(req.url.query);
  const raw = req.url.raw;
  const at = raw.indexOf('?');
  if (at < 0) return [];
  const query = raw.slice(at + 1).split('#')[0] ?? '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return { key: safeDecode(key), value: safeDecode(value), disabled: false };
    });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The URL without its query, path variables (`:id`) filled, the base URL variable cut off. */
function urlOf(req: PostmanRequest, ctx: RequestContext): string {
  let url = withoutUserinfo(req.url.raw.split('?')[0] ?? '');
  if (ctx.origin && url.startsWith(ctx.origin)) {
    const rest = url.slice(ctx.origin.length);
    return rest.startsWith('/') ? rest : `/${rest}`;
  }
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
    const token = ctx.vars.rewrite(p.token ?? '', ctx.where);
    headers.Authorization = `Bearer ${literalSecret(token, 'token', true, ctx)}`;
    return undefined;
  }
  if (auth.type === 'basic') {
    // Credentials never go into the plan: the header comes from a secret.
    ctx.note(
      'basic auth: set the secret BASIC_AUTH to base64("user:password"); the credentials are not copied',
    );
    const literal = p.username && !`${p.username}${p.password ?? ''}`.includes('{{');
    headers.Authorization = literal
      ? `Basic ${ctx.secrets.secret(Buffer.from(`${p.username}:${p.password ?? ''}`).toString('base64'), 'BASIC_AUTH')}`
      : 'Basic {{ secrets.BASIC_AUTH }}';
    return undefined;
  }
  if (auth.type === 'apikey') {
    const name = p.key || 'X-API-Key';
    const value = literalSecret(ctx.vars.rewrite(p.value ?? '', ctx.where), name, true, ctx);
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
    // `{"id": {{id}}}`: Postman puts the variable's text in place, so it stays text here too.
    const json = jsonish && !hasBareTemplate(body.raw) ? parseTemplatedJson(body.raw) : undefined;
    if (json !== undefined) {
      deleteHeader(headers, 'content-type');
      return { json: ctx.vars.rewriteDeep(json, ctx.where) };
    }
    if (jsonish && headerValue(headers, 'content-type') === undefined)
      headers['Content-Type'] = 'application/json';
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

/** Whether JSON text holds a `{{var}}` outside its strings. */
function hasBareTemplate(raw: string): boolean {
  return /\{\{\s*[^{}\s]+\s*\}\}/.test(raw.replace(/"(?:\\.|[^"\\])*"/g, '""'));
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

/** `user:password` of `https://user:password@host/...`, if the URL has one. */
function userinfo(raw: string): string | undefined {
  return /^https?:\/\/([^/@{}\s]+:[^/@{}\s]*)@/.exec(raw)?.[1];
}

/** The URL without its `user:password@`. */
export function withoutUserinfo(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@{}\s]+:[^/@{}\s]*@/, '$1');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
