/**
 * A tiny origin with crafted cache headers for the cache check's unit tests, on 127.0.0.1
 * port 0. Some routes sit behind a deliberately wrong in-process "CDN" that stores by URL
 * only, so that the leak and deception probes have something real to catch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import type { CacheClient } from '../../src/checks/cache/exchange.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { startedForTests } from './for-tests.js';
import { scopeFor, startLocalServer } from './local-server.js';

/** A response the origin sends: status, headers, body. */
export interface Crafted {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** The running server and how to stop it. */
export interface CacheTestServer {
  url: string;
  /** Every token handed out by POST /login. */
  issued: string[];
  close: () => Promise<void>;
}

/** Routes with fixed crafted responses, for the header rules. */
export const CRAFTED: Record<string, Crafted> = {
  '/private/public': { headers: { 'cache-control': 'public, max-age=60' } },
  '/private/none': {},
  '/private/s-maxage': { headers: { 'cache-control': 'private, s-maxage=60' } },
  '/private/ok': { headers: { 'cache-control': 'private, no-store' } },
  '/public/cookie': {
    headers: { 'cache-control': 'public, max-age=300', 'set-cookie': 'sid=abc123; Path=/' },
  },
  '/public/gzip': {
    headers: { 'cache-control': 'public, max-age=300', 'content-encoding': 'gzip' },
    body: gzipSync('{"items":[]}'),
  },
  '/public/lang': { headers: { 'cache-control': 'public, max-age=300', 'content-language': 'fr' } },
  '/public/short': { headers: { 'cache-control': 'public, max-age=10' } },
  '/public/no-store': { headers: { 'cache-control': 'no-store' } },
  '/public/no-cache': { headers: { 'cache-control': 'public, no-cache' } },
  '/public/ok': { headers: { 'cache-control': 'public, max-age=600', vary: 'Accept-Encoding' } },
  '/static/app.3f9a1c2b.css': { headers: { 'cache-control': 'public, max-age=31536000' } },
  '/static/logo.png': { headers: { 'cache-control': 'public, max-age=3600' } },
  '/static/app.77aa88bb.js': { headers: { 'cache-control': 'public, max-age=31536000, immutable' } },
};

/** Start the server. Users log in with POST /login {"user": NAME} and get token `tok-NAME`. */
export async function startCacheServer(): Promise<CacheTestServer> {
  const store = new Map<string, { status: number; body: string }>();
  const issued: string[] = [];
  const { url, close } = await startLocalServer((req, res) => {
    route(req, store, issued)
      .catch((error: unknown): Crafted => ({ status: 500, body: String(error) }))
      .then((crafted) => send(res, crafted));
  });
  return { url, issued, close };
}

/** The response to a request. */
async function route(req: IncomingMessage, store: Map<string, Stored>, issued: string[]): Promise<Crafted> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/login') return login(req, issued);
  if (req.method === 'POST' && url.pathname === '/broken-login') return { status: 500, body: 'boom' };
  const crafted = CRAFTED[url.pathname];
  if (crafted) return { body: 'crafted', ...crafted };
  const [, mode, ...rest] = url.pathname.split('/');
  const page = rest.join('/');
  if (mode === 'good') return personal(req, page === 'me' ? 'me' : null);
  if (mode === 'leaky') return sharedCache(req, store, () => true, page === 'me' ? 'me' : 'cart');
  // Deception: the app serves /deceive/me/anything; the "CDN" stores whatever looks static.
  const looksStatic = (): boolean => /\.(css|js|png)$/.test(url.pathname);
  if (mode === 'deceive' && page.startsWith('me')) return sharedCache(req, store, looksStatic, 'me');
  if (mode === 'risky' && page.startsWith('me')) return personal(req, 'me');
  return { status: 404, body: 'not found' };
}

type Stored = { status: number; body: string };

/** The user named by a `Bearer tok-NAME` header, or null. */
function userOf(req: IncomingMessage): string | null {
  const m = /^Bearer tok-(.+)$/.exec(req.headers.authorization ?? '');
  return m ? (m[1] as string) : null;
}

/** A personal page (`me`: names the user; else an empty cart), private and never stored. */
function personal(req: IncomingMessage, kind: 'me' | null): Crafted {
  const user = userOf(req);
  if (!user) return { status: 401, headers: { 'cache-control': 'private, no-store' }, body: '{}' };
  const body = kind === 'me' ? JSON.stringify({ email: `${user}@test`, id: `id-${user}` }) : '{"items":[]}';
  return { headers: { 'cache-control': 'private, no-store', 'x-cache': 'MISS' }, body };
}

/** The wrong CDN: a stored copy is served to anyone; a 200 is stored when `stores()` says so. */
function sharedCache(
  req: IncomingMessage,
  store: Map<string, Stored>,
  stores: () => boolean,
  kind: 'me' | 'cart',
): Crafted {
  const key = req.url ?? '/';
  const hit = store.get(key);
  if (hit) return { status: hit.status, headers: { 'x-cache': 'HIT', age: '1' }, body: hit.body };
  const user = userOf(req);
  if (!user) return { status: 401, headers: { 'x-cache': 'MISS' }, body: '{}' };
  const body = kind === 'me' ? JSON.stringify({ email: `${user}@test`, id: `id-${user}` }) : '{"items":[]}';
  if (stores()) store.set(key, { status: 200, body });
  return { headers: { 'cache-control': 'private, no-store', 'x-cache': 'MISS' }, body };
}

async function login(req: IncomingMessage, issued: string[]): Promise<Crafted> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { user } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { user: string };
  issued.push(`tok-${user}`);
  return { body: JSON.stringify({ token: `tok-${user}`, id: `id-${user}` }) };
}

function send(res: ServerResponse, crafted: Crafted): void {
  res.statusCode = crafted.status ?? 200;
  for (const [name, value] of Object.entries(crafted.headers ?? {})) res.setHeader(name, value);
  res.end(crafted.body ?? '');
}

/** A template scope with nothing in it (and a fresh redactor). */
export function emptyScope(): TemplateScope {
  return scopeFor('');
}

/** The cache test server of a test file and the client its probes send with. */
export interface CacheServerForTests {
  /** The running server, once `before` has run. */
  readonly server: CacheTestServer;
  /** A client of the server: its own Agent, a 5 s timeout, a signal that never aborts. */
  client: () => CacheClient;
}

/** Start the cache test server in `before` for the tests of this file; close it (and the Agent) in `after`. */
export function useCacheServer(): CacheServerForTests {
  const dispatcher = new Agent();
  const started = startedForTests('the cache server', startCacheServer, async (server) => {
    await dispatcher.close();
    await server.close();
  });
  return {
    get server() {
      return started();
    },
    client: () => ({
      baseUrl: started().url,
      dispatcher,
      timeoutMs: 5000,
      signal: new AbortController().signal,
    }),
  };
}
