/**
 * The parts of a Postman collection (v2.1) and environment file the importer reads, and
 * reading them from JSON into these shapes without trusting the input.
 */

/** A `{ key, value }` entry (variables, headers, query, form fields, auth parameters). */
export interface KeyValue {
  key: string;
  value: string;
  disabled: boolean;
  type?: string;
}

/** `auth` of a collection, folder or request. */
export interface PostmanAuth {
  type: string;
  params: Record<string, string>;
}

/** A script: the lines of a `test` or `prerequest` event. */
export interface PostmanScript {
  listen: 'test' | 'prerequest' | string;
  lines: string[];
}

export interface PostmanRequest {
  method: string;
  url: { raw: string; query: KeyValue[]; variables: KeyValue[] };
  headers: KeyValue[];
  body?: {
    mode: string;
    raw?: string;
    language?: string;
    fields: KeyValue[];
    graphql?: { query: string; variables?: string };
  };
  auth?: PostmanAuth;
}

/** A folder (has items) or a request. */
export type PostmanItem =
  | { kind: 'folder'; name: string; items: PostmanItem[]; auth?: PostmanAuth; scripts: PostmanScript[] }
  | { kind: 'request'; name: string; request: PostmanRequest; scripts: PostmanScript[] };

export interface PostmanCollection {
  name: string;
  items: PostmanItem[];
  variables: KeyValue[];
  auth?: PostmanAuth;
  scripts: PostmanScript[];
}

/** The collection is not one the importer can read. */
export class CollectionError extends Error {
  readonly code = 'POSTMAN_INVALID';
}

type Json = Record<string, unknown>;

/** Read a parsed collection file; throws CollectionError when it is not a v2.x collection. */
export function readCollection(value: unknown): PostmanCollection {
  const root = record(value);
  const info = record(root.info);
  const schema = String(info.schema ?? '');
  if (!Array.isArray(root.item) || (schema && !/collection\/v2\.[01]/.test(schema))) {
    throw new CollectionError(
      `not a Postman collection v2.0 or v2.1 (info.schema: ${schema || 'none'}); export it from Postman as "Collection v2.1", or give the directory of a v3 collection`,
    );
  }
  return {
    name: String(info.name ?? '').trim() || 'collection',
    items: root.item.map(readItem),
    variables: keyValues(root.variable),
    ...authOf(root.auth),
    scripts: scripts(root.event),
  };
}

/** Read an environment file's enabled values. */
export function readEnvironment(value: unknown): KeyValue[] {
  const values = record(value).values;
  if (!Array.isArray(values)) throw new CollectionError('not a Postman environment (it has no "values")');
  return values.map((v) => {
    const e = record(v);
    const out: KeyValue = {
      key: String(e.key ?? ''),
      value: stringOf(e.value),
      disabled: e.enabled === false,
    };
    if (typeof e.type === 'string') out.type = e.type;
    return out;
  });
}

function readItem(value: unknown): PostmanItem {
  const item = record(value);
  const name = String(item.name ?? '').trim() || 'unnamed';
  if (Array.isArray(item.item)) {
    return {
      kind: 'folder',
      name,
      items: item.item.map(readItem),
      ...authOf(item.auth),
      scripts: scripts(item.event),
    };
  }
  return { kind: 'request', name, request: readRequest(item.request), scripts: scripts(item.event) };
}

function readRequest(value: unknown): PostmanRequest {
  const req = typeof value === 'string' ? { url: value } : record(value);
  const url = typeof req.url === 'string' ? { raw: req.url } : record(req.url);
  const out: PostmanRequest = {
    method: (String(req.method ?? '').trim() || 'GET').toUpperCase(),
    url: { raw: rawUrl(url), query: keyValues(url.query), variables: keyValues(url.variable) },
    headers: keyValues(req.header),
    ...authOf(req.auth),
  };
  const body = record(req.body);
  if (typeof body.mode === 'string') {
    const raw = typeof body.raw === 'string' ? body.raw : undefined;
    const language = String(record(record(body.options).raw).language ?? '');
    const fields = keyValues(body.mode === 'urlencoded' ? body.urlencoded : body.formdata);
    const graphql = record(body.graphql);
    out.body = {
      mode: body.mode,
      fields,
      ...(raw !== undefined ? { raw } : {}),
      ...(language ? { language } : {}),
    };
    if (typeof graphql.query === 'string') {
      out.body.graphql = {
        query: graphql.query,
        ...(typeof graphql.variables === 'string' ? { variables: graphql.variables } : {}),
      };
    }
  }
  return out;
}

/** `url.raw`, or the URL put together from its parts (a v2.0 URL object may have no raw). */
function rawUrl(url: Json): string {
  // Postman trims what was pasted into the URL bar (a trailing newline is common).
  if (typeof url.raw === 'string') return url.raw.trim();
  const join = (v: unknown, sep: string): string =>
    Array.isArray(v) ? v.map(String).join(sep) : typeof v === 'string' ? v : '';
  const host = join(url.host, '.');
  if (!host) return '';
  const protocol = typeof url.protocol === 'string' ? `${url.protocol}://` : '';
  const port = url.port ? `:${String(url.port)}` : '';
  const pathText = join(url.path, '/');
  return `${protocol}${host}${port}${pathText ? `/${pathText}` : ''}`;
}

function authOf(value: unknown): { auth?: PostmanAuth } {
  const auth = record(value);
  if (typeof auth.type !== 'string') return {};
  const params: Record<string, string> = {};
  const list = auth[auth.type];
  if (Array.isArray(list)) for (const p of keyValues(list)) params[p.key] = p.value;
  else for (const [k, v] of Object.entries(record(list))) params[k] = stringOf(v);
  return { auth: { type: auth.type, params } };
}

function scripts(value: unknown): PostmanScript[] {
  if (!Array.isArray(value)) return [];
  return value.map((e) => {
    const event = record(e);
    const exec = record(event.script).exec;
    const lines = Array.isArray(exec) ? exec.map(String) : typeof exec === 'string' ? exec.split('\n') : [];
    return { listen: String(event.listen ?? ''), lines };
  });
}

function keyValues(value: unknown): KeyValue[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => {
    const e = record(v);
    const out: KeyValue = {
      key: String(e.key ?? ''),
      value: stringOf(e.value),
      disabled: e.disabled === true,
    };
    if (typeof e.type === 'string') out.type = e.type;
    return out;
  });
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
