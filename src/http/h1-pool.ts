/**
 * The HTTP/1.1 transport for plain-http origins, used by the probe and the critical-path
 * engine: keep-alive sockets, one request at a time on each (no pipelining, like wrk and
 * autocannon by default), the request written in one piece, the response parsed by
 * http-parser-js (the parser autocannon uses). It implements the part of undici's
 * dispatch API (new-style handlers) that the senders use, so they work on this transport
 * and on undici alike; HTTPS origins, streamed bodies, upgrades and legacy handlers go to
 * undici (see agent.ts and probe/dispatcher.ts).
 *
 * Why not undici here: for one small request the client's own CPU is most of the cost,
 * and undici's general-purpose request path cost about twice the CPU per request of a
 * socket that writes the request and parses the answer (profile: undici's queueing, header
 * validation, wasm-parser callbacks and a second write for the body, spread thin).
 */
import net from 'node:net';
// The global `performance` is an accessor on globalThis in Node: read per call, it is a slow
// global load; the module binding is not (the clock is read several times per request).
import { performance } from 'node:perf_hooks';
import { HTTPParser } from 'http-parser-js';
import type { Dispatcher } from 'undici';
import {
  codedError,
  foldHeaders,
  type H1DispatchOptions,
  type H1Info,
  Pending,
  serializeRequest,
} from './h1-request.js';

export type { H1DispatchOptions } from './h1-request.js';

// Header lines as latin1, as undici and Node's own parser give them (the module's default,
// 'ascii', clears the high bit: `café` would read `cafi`). Only this module uses the parser.
(HTTPParser as unknown as { encoding: BufferEncoding }).encoding = 'latin1';

/** Response headers beyond this many bytes fail the exchange (undici's and Node's limit). */
const MAX_HEADER_BYTES = 16 * 1024;

/** Where every socket's bytes are read to (reads are handled one at a time, synchronously). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One keep-alive socket. */
class H1Connection {
  readonly #socket: net.Socket;
  readonly #pool: H1Pool;
  readonly #parser = new HTTPParser(HTTPParser.RESPONSE);
  #current: Pending | null = null;
  /** Response bytes received for the current request. */
  #received = 0;
  #keepAlive = true;
  #closed = false;
  /** The message being parsed is a 1xx interim response. */
  #informational = false;
  /** The current response's headers are in (its body is being read), and whether it has a Content-Length. */
  #inBody = false;
  #announced = false;
  /** When the last read began (performance.now()). */
  #readAt = 0;
  /** Requests started on this socket (a reused socket may have been closed by the server). */
  uses = 0;
  /** When the socket last went idle (performance.now), and how long it may stay idle. */
  idleSince = 0;
  idleLimitMs: number;

  constructor(pool: H1Pool) {
    this.#pool = pool;
    this.idleLimitMs = pool.idleLimitMs;
    // `onread`: bytes land in one shared buffer and come straight here, past the readable
    // stream machinery (a good part of the cost of a small response); what is kept is copied.
    this.#socket = net.connect({
      host: pool.hostname,
      port: pool.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => this.#onRead(n, buf) },
    });
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('error', (error) => this.#onClose(error));
    this.#socket.on('close', () => this.#onClose(null));
    const parser = this.#parser;
    (parser as unknown as { maxHeaderSize: number }).maxHeaderSize = MAX_HEADER_BYTES;
    parser[HTTPParser.kOnHeadersComplete] = ((...args: unknown[]) => this.#onHeaders(args)) as never;
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      const p = this.#current;
      if (!p || p.ended) return;
      // A copy: the chunk is the shared read buffer, reused by the next read. http-parser-js
      // passes a view of exactly the body bytes (offset 0): copied as is, without another view.
      const bytes = offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length);
      p.handler.onResponseData?.(p, Buffer.from(bytes));
    };
    parser[HTTPParser.kOnMessageComplete] = () => this.#onComplete();
  }

  /** Send `p` on this socket. */
  start(p: Pending): void {
    this.#current = p;
    this.#received = 0;
    this.#inBody = false;
    this.uses++;
    p.connection = this;
    if (this.uses > 1) this.#socket.ref();
    const bytes = this.#pool.serialize(p.options);
    if (bytes instanceof Error) {
      this.#current = null;
      p.connection = null;
      this.#pool.release(this);
      p.fail(bytes);
      return;
    }
    this.#socket.write(bytes);
  }

  /** Close the socket; the request on it (if any) is the caller's to end. */
  destroy(): void {
    this.#current = null;
    this.#closed = true;
    this.#socket.destroy();
    this.#pool.forget(this);
  }

  #onHeaders(args: unknown[]): number {
    const p = this.#current;
    // http-parser-js passes one info object, or positional values once anything in the
    // process has read HTTPParser.kOnExecute (its Node 0.12 compatibility switch).
    const info = (
      typeof args[0] === 'object'
        ? args[0]
        : {
            versionMinor: args[1],
            headers: args[2],
            statusCode: args[5],
            statusMessage: args[6],
            shouldKeepAlive: args[8],
          }
    ) as H1Info;
    const statusCode = info.statusCode;
    // 1xx (100 Continue, 103 Early Hints): no body; the real answer follows on the socket.
    this.#informational = statusCode >= 100 && statusCode < 200 && statusCode !== 101;
    if (this.#informational) return 1;
    const noBody = p?.options.method === 'HEAD' || statusCode === 204 || statusCode === 304;
    const { headers, size, close, keepAlive } = foldHeaders(info.headers);
    if (keepAlive !== undefined) this.#keepAliveHint(keepAlive);
    // The parser only checks the size of headers that span reads; one read can hold 64 KiB.
    if (size > MAX_HEADER_BYTES) {
      this.#parseFailed(new Error('max header size exceeded'));
      return 1;
    }
    this.#inBody = true;
    this.#announced = headers['content-length'] !== undefined;
    // http-parser-js says "not keep-alive" for every answer without a length, a bodiless
    // 204 or HEAD answer included; those end where their headers end, so the socket is reusable.
    this.#keepAlive = info.shouldKeepAlive || (noBody && info.versionMinor >= 1 && !close);
    if (!p || p.ended) return 1;
    p.headersAt = this.#readAt;
    p.handler.onResponseStart?.(p, statusCode, headers, info.statusMessage);
    // No body after these (without this the parser would wait for the socket to close).
    return noBody ? 1 : 0;
  }

  /** `Keep-Alive: timeout=5`: the server closes idle sockets after 5 s; stop using them 1 s before. */
  #keepAliveHint(value: string): void {
    const m = /timeout=(\d+)/i.exec(value);
    if (m) this.idleLimitMs = Math.min(this.#pool.idleLimitMs, Math.max(0, Number(m[1]) * 1000 - 1000));
  }

  /** Parked between requests: it no longer keeps the process alive. */
  park(): void {
    this.idleSince = performance.now();
    this.#socket.unref();
  }

  #onComplete(): void {
    if (this.#informational) {
      this.#informational = false;
      return;
    }
    const p = this.#current;
    this.#current = null;
    if (!p || p.ended) return;
    p.ended = true;
    p.connection = null;
    if (this.#keepAlive && !this.#closed) this.#pool.release(this);
    else this.destroy();
    p.receivedAt = this.#readAt;
    p.handler.onResponseEnd?.(p, {});
  }

  #onRead(n: number, buf: Uint8Array): boolean {
    this.#readAt = performance.now();
    if (!this.#current) {
      // Bytes nobody asked for: the connection cannot be trusted for the next request.
      this.destroy();
      return true;
    }
    this.#received += n;
    const result = this.#parser.execute(Buffer.from(buf.buffer, buf.byteOffset, n));
    if (result instanceof Error) this.#parseFailed(result);
    return true;
  }

  #cutShort(): void {
    const p = this.#current;
    this.destroy();
    p?.fail(
      this.#announced
        ? codedError(
            'the body ended before the length its Content-Length header announced',
            'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
          )
        : codedError('the server closed the connection in the middle of the body', 'UND_ERR_SOCKET'),
    );
  }

  #parseFailed(error: Error): void {
    const p = this.#current;
    this.destroy();
    if (!p) return;
    const overflow = error.message.includes('max header size');
    p.fail(
      overflow
        ? codedError('the response headers are too large', 'UND_ERR_HEADERS_OVERFLOW')
        : codedError(
            `${error.message} (${(error as { code?: string }).code ?? 'parse'})`,
            '',
            'HTTPParserError',
          ),
    );
  }

  #onEnd(): void {
    // A body delimited by the end of the connection ends here.
    if (this.#current && this.#received > 0) {
      const result = this.#parser.finish();
      if (result instanceof Error) {
        // After the headers, the body was cut short (fewer bytes than announced, or a chunk).
        if (this.#inBody) this.#cutShort();
        else this.#parseFailed(result);
      }
    }
    this.#onClose(null);
  }

  #onClose(error: Error | null): void {
    const p = this.#current;
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.destroy();
      this.#pool.forget(this);
    }
    this.#current = null;
    if (!p || p.ended) return;
    p.connection = null;
    if (this.uses > 1 && this.#received === 0 && !p.retried) {
      // A reused keep-alive socket that closed before any byte of the answer: the server
      // closed it as the request went out (uvicorn closes after an unhandled 500 without
      // saying `Connection: close`), so it never handled the request. Send it once more, on a
      // fresh connection, whatever the method, as browsers and curl do. A fresh socket that
      // closes, or one that closes after answer bytes, is never retried.
      p.retried = true;
      this.#pool.retry(p);
      return;
    }
    p.fail(error ?? codedError('the server closed the connection', 'UND_ERR_SOCKET'));
  }
}

/** Keep-alive connections to one origin, at most `connections` of them. */
class H1Pool {
  readonly hostname: string;
  readonly port: number;
  /** The Host header. */
  readonly host: string;
  readonly #max: number;
  /** How long a socket may sit idle before it is closed instead of reused. */
  readonly idleLimitMs: number;
  readonly #idle: H1Connection[] = [];
  readonly #all = new Set<H1Connection>();
  readonly #queue: Pending[] = [];
  readonly #serialized = new WeakMap<
    object,
    { path: string; method: string; body: string | null; bytes: Buffer }
  >();
  #closing = false;

  constructor(origin: URL, connections: number, idleLimitMs: number) {
    this.hostname = origin.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(origin.port || 80);
    this.host = origin.host;
    this.#max = connections;
    this.idleLimitMs = idleLimitMs;
  }

  /**
   * The request's bytes. Requests the probe prepared once (no templates) come back with
   * the same headers object every time, so their bytes are built once and reused.
   */
  serialize(o: H1DispatchOptions): Buffer | Error {
    const cached = this.#serialized.get(o.headers);
    if (cached && cached.path === o.path && cached.method === o.method && cached.body === o.body)
      return cached.bytes;
    const bytes = serializeRequest(o, this.host);
    if (bytes instanceof Error) return bytes;
    this.#serialized.set(o.headers, { path: o.path, method: o.method, body: o.body, bytes });
    return bytes;
  }

  dispatch(options: H1DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    const p = new Pending(this, options, handler);
    handler.onRequestStart?.(p, {});
    if (p.ended) return;
    this.#assign(p);
  }

  #assign(p: Pending): void {
    const idle = this.#takeIdle();
    if (idle) idle.start(p);
    else if (this.#all.size < this.#max && !this.#closing) {
      const connection = new H1Connection(this);
      this.#all.add(connection);
      connection.start(p);
    } else this.#queue.push(p);
  }

  /** The most recently used idle socket that has not been idle too long (older ones are closed). */
  #takeIdle(): H1Connection | undefined {
    let idle = this.#idle.pop();
    while (idle && performance.now() - idle.idleSince > idle.idleLimitMs) {
      idle.destroy();
      idle = this.#idle.pop();
    }
    return idle;
  }

  /** A connection is free again: give it the next queued request, or keep it idle. */
  release(connection: H1Connection): void {
    const next = this.#queue.shift();
    if (next) connection.start(next);
    else if (this.#closing) connection.destroy();
    else {
      connection.park();
      this.#idle.push(connection);
    }
  }

  /** A connection closed: a queued request may now open a new one. */
  forget(connection: H1Connection): void {
    this.#all.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    const next = this.#queue.shift();
    if (next) this.#assign(next);
  }

  /** Send again on another connection (a fresh one: a stale idle socket may be next). */
  retry(p: Pending): void {
    for (const stale of this.#idle.splice(0)) stale.destroy();
    this.#assign(p);
  }

  unqueue(p: Pending): void {
    const at = this.#queue.indexOf(p);
    if (at >= 0) this.#queue.splice(at, 1);
  }

  /** Close idle sockets now and the others as their requests end. */
  close(): void {
    this.#closing = true;
    for (const connection of this.#idle.splice(0)) connection.destroy();
    for (const p of this.#queue.splice(0))
      p.fail(codedError('the connection pool was closed', 'UND_ERR_DESTROYED'));
  }
}

/** How long an idle socket is kept by default (undici's default too; uvicorn closes after 5 s). */
export const DEFAULT_IDLE_MS = 4000;

/** One H1Pool per plain-http origin. */
export class H1Dispatcher {
  readonly #connections: number;
  readonly #idleMs: number;
  readonly #pools = new Map<string, H1Pool>();

  constructor(connections: number, idleMs = DEFAULT_IDLE_MS) {
    this.#connections = connections;
    this.#idleMs = idleMs;
  }

  dispatch(options: H1DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    let pool = this.#pools.get(options.origin);
    if (!pool) {
      pool = new H1Pool(new URL(options.origin), this.#connections, this.#idleMs);
      this.#pools.set(options.origin, pool);
    }
    pool.dispatch(options, handler);
    return true;
  }

  async close(): Promise<void> {
    for (const pool of this.#pools.values()) pool.close();
  }
}
