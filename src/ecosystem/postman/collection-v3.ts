/**
 * Postman's collection format v3 (schema 3.0.0, "git-native"), which Newman cannot read: a
 * directory tree with one YAML file per request (`*.request.yaml`, `$kind: http-request`), a
 * folder per folder, and each folder's own metadata in `.resources/definition.yaml`
 * (`$kind: collection`: name, variables, auth, scripts, order). Read into the same shapes as
 * a v2.1 collection, in Postman's order (`order`, then name).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import {
  CollectionError,
  type KeyValue,
  type PostmanAuth,
  type PostmanCollection,
  type PostmanItem,
  type PostmanRequest,
  type PostmanScript,
} from './collection.js';

type Json = Record<string, unknown>;

/** Whether `dir` looks like a v3 collection (it holds request files or a collection definition). */
export async function isV3Collection(dir: string): Promise<boolean> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return false;
  const entries = await readdir(dir, { withFileTypes: true });
  return (
    entries.some((e) => e.isFile() && /\.request\.ya?ml$/.test(e.name)) ||
    entries.some((e) => e.name === '.resources')
  );
}

/** Read a v3 collection directory; throws CollectionError on a file that is not one. */
export async function readCollectionDirectory(dir: string): Promise<PostmanCollection> {
  const definition = await readDefinition(dir);
  const items = await readItems(dir);
  const out: PostmanCollection = {
    name: String(definition.name ?? '').trim() || path.basename(path.resolve(dir)),
    items,
    variables: keyValues(definition.variables),
    scripts: scripts(definition.scripts),
  };
  const auth = authOf(definition.auth);
  if (auth) out.auth = auth;
  return out;
}

async function readItems(dir: string): Promise<PostmanItem[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const items: { order: number | undefined; name: string; item: PostmanItem }[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const definition = await readDefinition(file);
      const name = String(definition.name ?? '').trim() || entry.name;
      const folder: PostmanItem = {
        kind: 'folder',
        name,
        items: await readItems(file),
        scripts: scripts(definition.scripts),
      };
      const auth = authOf(definition.auth);
      if (auth) folder.auth = auth;
      items.push({ order: numberOf(definition.order), name, item: folder });
    } else if (/\.request\.ya?ml$/.test(entry.name)) {
      const doc = await readYaml(file);
      if (doc.$kind !== 'http-request') continue;
      const name = String(doc.name ?? '').trim() || entry.name.replace(/\.request\.ya?ml$/, '');
      items.push({
        order: numberOf(doc.order),
        name,
        item: { kind: 'request', name, request: readRequest(doc), scripts: scripts(doc.scripts) },
      });
    }
  }
  // Postman's order: by `order` where given, the rest after them by name.
  items.sort(
    (a, b) =>
      (a.order ?? Number.POSITIVE_INFINITY) - (b.order ?? Number.POSITIVE_INFINITY) ||
      a.name.localeCompare(b.name),
  );
  return items.map((i) => i.item);
}

async function readDefinition(dir: string): Promise<Json> {
  for (const name of ['definition.yaml', 'definition.yml']) {
    const file = path.join(dir, '.resources', name);
    if (await stat(file).catch(() => undefined)) return readYaml(file);
  }
  return {};
}

async function readYaml(file: string): Promise<Json> {
  try {
    const value: unknown = parse(await readFile(file, 'utf8'));
    return record(value);
  } catch (error) {
    throw new CollectionError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function readRequest(doc: Json): PostmanRequest {
  const out: PostmanRequest = {
    method: (String(doc.method ?? '').trim() || 'GET').toUpperCase(),
    url: {
      raw: String(doc.url ?? ''),
      query: keyValues(doc.queryParams),
      variables: keyValues(doc.pathVariables),
    },
    headers: keyValues(doc.headers),
  };
  const auth = authOf(doc.auth);
  if (auth) out.auth = auth;
  const body = record(doc.body);
  const type = typeof body.type === 'string' ? body.type : undefined;
  if (type && type !== 'none') {
    if (type === 'urlencoded' || type === 'formdata')
      out.body = { mode: type, fields: keyValues(body.content) };
    else if (type === 'file') out.body = { mode: 'file', fields: [] };
    else
      out.body = {
        mode: 'raw',
        raw: typeof body.content === 'string' ? body.content : '',
        ...(type === 'json' ? { language: 'json' } : {}),
        fields: [],
      };
  }
  return out;
}

/** `beforeRequest` / `afterResponse` (or `http:` prefixed, on a collection or folder). */
function scripts(value: unknown): PostmanScript[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s) => {
    const script = record(s);
    const type = String(script.type ?? '').replace(/^http:/, '');
    const listen = type === 'beforeRequest' ? 'prerequest' : type === 'afterResponse' ? 'test' : undefined;
    return listen && typeof script.code === 'string' ? [{ listen, lines: script.code.split('\n') }] : [];
  });
}

function authOf(value: unknown): PostmanAuth | undefined {
  const auth = record(value);
  if (typeof auth.type !== 'string') return undefined;
  const params: Record<string, string> = {};
  const credentials = auth.credentials;
  if (Array.isArray(credentials)) for (const kv of keyValues(credentials)) params[kv.key] = kv.value;
  else for (const [k, v] of Object.entries(record(credentials))) params[k] = stringOf(v);
  return { type: auth.type, params };
}

/** An array of `{ key, value, disabled }`, or a map of key to value. */
function keyValues(value: unknown): KeyValue[] {
  if (Array.isArray(value))
    return value.map((v) => {
      const e = record(v);
      return {
        key: String(e.key ?? ''),
        value: stringOf(e.value),
        disabled: e.disabled === true || e.enabled === false,
      };
    });
  return Object.entries(record(value)).map(([key, v]) => ({ key, value: stringOf(v), disabled: false }));
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
