/**
 * One GET through the CDN, as someone (anonymous, user A, user B): the request headers
 * sent, the response received, and what the CDN said it did.
 */
import type { Dispatcher } from 'undici';
import type { PathCookies } from '../../http/cookies.js';
import type { ReceivedResponse } from '../../http/response.js';
import { sendRequest } from '../../http/send.js';
import { type CdnStatus, readAge, readCdnStatus } from './cdn-status.js';
import type { CacheRequestObservation } from './result.js';

/** Bytes of a body kept: enough to find a marker in a personal page. */
const BODY_LIMIT = 256 * 1024;

/** Who sends a request: a name for reports, headers, and the session's cookies. */
export interface Identity {
  name: 'anonymous' | 'user A' | 'user B';
  headers: Record<string, string>;
  cookies?: PathCookies;
}

/** The anonymous client: no credentials. */
export const ANONYMOUS: Identity = { name: 'anonymous', headers: {} };

/** How to reach the CDN. */
export interface CacheClient {
  baseUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  signal: AbortSignal;
}

/** One request and its response. */
export interface Exchange {
  /** The path of the plan it is about (findings name it). */
  path: string;
  /** The path as requested, with its query, e.g. with a unique query parameter. */
  url: string;
  as: Identity['name'];
  requestHeaders: Record<string, string>;
  response: ReceivedResponse;
  cdn: CdnStatus | null;
}

/** A request got no response (refused, timed out, cancelled): the probe cannot go on. */
export class ProbeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ProbeError';
    this.code = code;
  }
}

/** More about one request. */
export interface FetchOptions {
  /** Headers sent besides the identity's. */
  headers?: Record<string, string>;
  /** The plan path the request is about, when `path` is a variant of it. */
  label?: string;
}

/** GET `path` (relative to the CDN's base URL) as `who`; throws ProbeError without a response. */
export async function fetchAs(
  client: CacheClient,
  path: string,
  who: Identity,
  options: FetchOptions = {},
): Promise<Exchange> {
  const url = joinUrl(client.baseUrl, path);
  const headers: Record<string, string> = { ...options.headers, ...who.headers };
  const cookie = await who.cookies?.cookieHeader(url);
  if (cookie !== undefined) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
  const outcome = await sendRequest(
    { method: 'GET', url, headers },
    {
      dispatcher: client.dispatcher,
      timeoutMs: client.timeoutMs,
      bodyLimit: BODY_LIMIT,
      signal: client.signal,
    },
  );
  if (outcome.kind === 'cancelled') throw new ProbeError('RUN_CANCELLED', 'run cancelled');
  if (outcome.kind === 'error') throw new ProbeError(outcome.error.code, outcome.error.message);
  const response = outcome.response;
  const cdn = readCdnStatus((name) => response.header(name));
  return { path: options.label ?? path, url: path, as: who.name, requestHeaders: headers, response, cdn };
}

/** The observation of an exchange, for the result. */
export function observe(exchange: Exchange): CacheRequestObservation {
  return {
    as: exchange.as,
    status: exchange.response.status,
    cdn: exchange.cdn?.state ?? null,
    age: readAge((name) => exchange.response.header(name)),
  };
}

/** `base` + `path`, keeping the path's query as written. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** `path` with one more query parameter. */
export function withQuery(path: string, name: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

/** Whether a status is 2xx. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** "GET /me (x-cache-status: HIT)": a request and what the CDN said, for messages. */
export function describeExchange(exchange: Exchange): string {
  const cdn = exchange.cdn ? ` (${exchange.cdn.header}: ${exchange.cdn.value})` : '';
  return `GET ${exchange.url} as ${exchange.as} → ${exchange.response.status}${cdn}`;
}
