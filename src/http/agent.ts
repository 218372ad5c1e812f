/**
 * The run's shared dispatcher. Plain-http requests with a string body (every request the
 * engine prepares) go to the lean HTTP/1.1 pools of h1-pool.ts; everything else goes to
 * an undici Agent: HTTPS (TLS, ALPN and certificates are its job), streamed or binary
 * bodies, upgrades, `Expect: 100-continue`, and callers that use undici's legacy handler
 * API (`undici.request` and friends). It is an undici Dispatcher, so `compose` and
 * every undici API work on it.
 */
import { createRequire } from 'node:module';
import type { Agent, Dispatcher as UndiciDispatcher } from 'undici';
import { DEFAULT_IDLE_MS, H1Dispatcher } from './h1-pool.js';

// undici's entry point loads all of undici (fetch, WebSocket, mocks, caches: some 40 modules),
// a fifth of a one-request run's start-up. The agent needs only the Dispatcher base class at
// load, and undici's Agent when a request first needs it (HTTPS, a streamed body): both are
// taken from undici's own files, the ones its entry point exports.
const require = createRequire(import.meta.url);
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof UndiciDispatcher;
const loadAgent = (): typeof Agent => require('undici/lib/dispatcher/agent.js') as typeof Agent;

/** How the agent keeps its connections. */
export interface EngineAgentOptions {
  /** At most this many connections per origin (default 64). */
  connections?: number;
  /** Idle keep-alive sockets are closed after this long (default 4 s). */
  keepAliveTimeout?: number;
}

type Headers = Record<string, string>;

/** undici's Agent, with plain-http exchanges on the lean transport. */
export class EngineAgent extends Dispatcher {
  readonly #h1: H1Dispatcher;
  readonly #options: { connections: number; keepAliveTimeout: number };
  #undici: Agent | null = null;

  constructor(options: EngineAgentOptions = {}) {
    super();
    const connections = options.connections ?? 64;
    const keepAliveTimeout = options.keepAliveTimeout ?? DEFAULT_IDLE_MS;
    this.#h1 = new H1Dispatcher(connections, keepAliveTimeout);
    this.#options = { connections, keepAliveTimeout };
  }

  /** undici's Agent, made (and its modules loaded) on first use. */
  get #agent(): Agent {
    this.#undici ??= new (loadAgent())(this.#options);
    return this.#undici;
  }

  override dispatch(
    options: UndiciDispatcher.DispatchOptions,
    handler: UndiciDispatcher.DispatchHandler,
  ): boolean {
    const origin = options.origin === undefined ? '' : String(options.origin);
    const headers = plainHeaders(options.headers);
    if (
      origin.startsWith('http:') &&
      typeof handler.onRequestStart === 'function' &&
      headers !== null &&
      (options.body === undefined || options.body === null || typeof options.body === 'string') &&
      !options.upgrade &&
      !options.expectContinue &&
      options.method !== 'CONNECT' &&
      options.query === undefined
    ) {
      return this.#h1.dispatch(
        { origin, path: options.path, method: options.method, headers, body: options.body ?? null },
        handler,
      );
    }
    return this.#agent.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | undefined {
    const done = Promise.all([this.#h1.close(), this.#undici?.close()]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
    return undefined;
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | undefined {
    const callback = typeof a === 'function' ? a : b;
    const error = typeof a === 'function' ? null : (a ?? null);
    const done = Promise.all([this.#h1.close(), this.#undici?.destroy(error)]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
    return undefined;
  }
}

/** Headers as a plain record of strings, or null when they need undici (arrays, iterables). */
function plainHeaders(headers: UndiciDispatcher.DispatchOptions['headers']): Headers | null {
  if (headers === undefined || headers === null) return {};
  if (Array.isArray(headers) || typeof headers !== 'object') return null;
  if (typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') return null;
  for (const name in headers) {
    if (typeof (headers as Record<string, unknown>)[name] !== 'string') return null;
    // A body framed by the caller, or a 100-continue handshake: undici's job.
    if (name.length === 17 || name.length === 6) {
      const lower = name.toLowerCase();
      if (lower === 'transfer-encoding' || lower === 'expect') return null;
    }
  }
  return headers as Headers;
}
