/**
 * One HTTP/1.1 request on the lean transport (h1-pool.ts): its options, its bytes (refused
 * as undici refuses them), and its life as undici's dispatch controller.
 */
import type { Dispatcher } from 'undici';

/** What the senders pass to `dispatch` (a subset of undici's DispatchOptions). */
export interface H1DispatchOptions {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body: string | null;
  headersTimeout?: number;
  bodyTimeout?: number;
}

/** What undici accepts too: a header name is a token; a value has no control characters but tab. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** A request target: visible ASCII and latin1 only (a URL's encoding leaves nothing else). */
const BAD_PATH = /[^\u0021-\u00ff]/;

/** An error with a code `classifyError` knows. */
export function codedError(message: string, code: string, name = 'Error'): Error {
  const error = new Error(message) as Error & { code: string };
  error.code = code;
  error.name = name;
  return error;
}

/** What http-parser-js reports when a response's headers are complete. */
export interface H1Info {
  versionMinor: number;
  headers: string[];
  statusCode: number;
  statusMessage: string;
  shouldKeepAlive: boolean;
}

/** Where a request waits for a connection (the pool). */
export interface PendingQueue {
  unqueue(p: Pending): void;
}

/** One request: queued, or on a connection until it ends. */
export class Pending implements Dispatcher.DispatchController {
  readonly options: H1DispatchOptions;
  readonly handler: Dispatcher.DispatchHandler;
  readonly #pool: PendingQueue;
  /** Set once the handler heard the end (response end or error). */
  ended = false;
  /** Sent again once already (a reused keep-alive socket closed before any answer). */
  retried = false;
  connection: { destroy(): void } | null = null;
  /**
   * When the bytes that completed the headers, and the whole response, were read
   * (performance.now() before parsing them): the exchange's timings end there, so the
   * client's own parsing is not counted as the service's latency (as wrk and k6 do).
   */
  headersAt = 0;
  receivedAt = 0;
  #reason: Error | null = null;

  constructor(pool: PendingQueue, options: H1DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.#pool = pool;
    this.options = options;
    this.handler = handler;
  }

  get aborted(): boolean {
    return this.#reason !== null;
  }
  get paused(): boolean {
    return false;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  pause(): void {}
  resume(): void {}

  /** Abort: the socket (if any) is destroyed, never reused; the handler hears `reason` once. */
  abort(reason: Error): void {
    if (this.ended || this.#reason) return;
    this.#reason = reason;
    if (this.connection) this.connection.destroy();
    else this.#pool.unqueue(this);
    this.fail(reason);
  }

  /** End with an error (once). */
  fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.handler.onResponseError?.(this, error);
  }
}

/** The request's bytes: the head in latin1 (a host and content-length added when missing), the body in UTF-8. */
export function serializeRequest(o: H1DispatchOptions, host: string): Buffer | Error {
  if (BAD_PATH.test(o.path)) return codedError('invalid request path', 'UND_ERR_INVALID_ARG');
  let head = `${o.method} ${o.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  for (const name in o.headers) {
    const value = o.headers[name] as string;
    if (!HEADER_NAME.test(name) || BAD_HEADER_VALUE.test(value))
      return codedError(`invalid header ${JSON.stringify(name)}`, 'UND_ERR_INVALID_ARG');
    const lower = name.toLowerCase();
    if (lower === 'host') hasHost = true;
    else if (lower === 'content-length') hasLength = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `host: ${host}\r\n`;
  if (o.body !== null && !hasLength) head += `content-length: ${Buffer.byteLength(o.body)}\r\n`;
  head += '\r\n';
  const bytes =
    o.body === null
      ? Buffer.from(head, 'latin1')
      : Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(o.body, 'utf8')]);
  return bytes;
}

/**
 * Lower-case forms of the header names seen so far (`Content-Type` -> `content-type`). A server
 * sends the same few names in every response; looking them up here skips lower-casing each
 * one and then finding the new string in V8's string table when it keys the headers object
 * (a measurable part of the probe's CPU per request). Bounded, so odd names cannot grow it.
 */
const LOWER_NAMES = new Map<string, string>();
const MAX_LOWER_NAMES = 512;

/**
 * The previous response's names, raw and lower-case, by position: servers send their headers
 * in the same order every time, and comparing two short strings is cheaper than hashing one.
 */
const lastRaw: string[] = [];
const lastLower: string[] = [];

function lowerName(name: string, at: number): string {
  if (lastRaw[at] === name) return lastLower[at] as string;
  let lower = LOWER_NAMES.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (LOWER_NAMES.size < MAX_LOWER_NAMES) LOWER_NAMES.set(name, lower);
  }
  if (at < 64) {
    lastRaw[at] = name;
    lastLower[at] = lower;
  }
  return lower;
}

/** Header lines as the parser gives them (name, value, …): lower-case names, repeats as arrays. */
export function foldHeaders(flat: string[]): {
  headers: Record<string, string | string[]>;
  /** Bytes of the header lines, as the 16 KiB limit counts them. */
  size: number;
  /** `Connection: close`. */
  close: boolean;
  /** The `Keep-Alive` header's value. */
  keepAlive: string | undefined;
} {
  const headers: Record<string, string | string[]> = {};
  let close = false;
  let keepAlive: string | undefined;
  let size = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const name = lowerName(flat[i] as string, i >> 1);
    const value = flat[i + 1] as string;
    size += name.length + value.length + 4;
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
    if (name === 'keep-alive') keepAlive = value;
    else if (name === 'connection' && /close/i.test(value)) close = true;
  }
  return { headers, size, close, keepAlive };
}
