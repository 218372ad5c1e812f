/**
 * The probe's HTTP exchange, cut down for load: undici's low-level `dispatch` (no
 * response stream, no AbortController, timer or abort listener per request). The step
 * timeout covers headers and body together, as in the HTTP engine: undici's headers
 * and body timeouts catch the common cases, and one sweep timer per sender ends any
 * exchange past its deadline (a body that drips forever). One abort listener for the
 * whole probe cancels every request in flight. Beyond the body limit the response is
 * cut and the connection closed, so a huge body is not downloaded. Outcomes have the
 * shape of the HTTP engine's `sendRequest`, so assertions and captures work unchanged.
 */
import type { Dispatcher } from 'undici';
import { classifyError, timeoutError } from '../http/errors.js';
import { ReceivedResponse } from '../http/response.js';
import type { SendOutcome } from '../http/send.js';
import type { ProbeDispatcher } from './dispatcher.js';

/** A request ready to dispatch: the URL split once into origin and path. */
export interface ProbeRequest {
  method: Dispatcher.HttpMethod;
  url: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Split an absolute URL (as built by `prepareRequest`) into origin and path. */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** How often exchanges are checked against their deadline. */
const SWEEP_MS = 100;

/** Sends the probe's requests through one dispatcher; cancels them all when the signal aborts. */
export class ProbeSender {
  readonly #dispatcher: ProbeDispatcher;
  readonly #signal: AbortSignal;
  readonly #inFlight = new Set<Exchange>();
  #sweep: NodeJS.Timeout | null = null;
  readonly #onAbort = (): void => {
    for (const exchange of this.#inFlight) exchange.abort(new Error('cancelled'));
  };

  constructor(dispatcher: ProbeDispatcher, signal: AbortSignal) {
    this.#dispatcher = dispatcher;
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Stop listening to the signal and stop the sweep (requests in flight finish on their own). */
  close(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /** Send one request, keeping at most `bodyLimit` bytes of the body; never rejects. */
  send(request: ProbeRequest, timeoutMs: number, bodyLimit: number): Promise<SendOutcome> {
    if (this.#signal.aborted) return Promise.resolve({ kind: 'cancelled', durationMs: 0 });
    this.#sweep ??= setInterval(() => this.#expire(), SWEEP_MS).unref();
    return new Promise((resolve) => {
      const exchange = new Exchange({ request, timeoutMs, bodyLimit, sender: this, resolve });
      this.#inFlight.add(exchange);
      this.#dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        exchange,
      );
    });
  }

  /** @internal an exchange ended. */
  done(exchange: Exchange): void {
    this.#inFlight.delete(exchange);
  }

  /** @internal whether the probe was cancelled. */
  get cancelled(): boolean {
    return this.#signal.aborted;
  }

  #expire(): void {
    const now = performance.now();
    for (const exchange of this.#inFlight) if (now >= exchange.deadline) exchange.expire();
  }
}

interface ExchangeInit {
  request: ProbeRequest;
  timeoutMs: number;
  bodyLimit: number;
  sender: ProbeSender;
  resolve: (outcome: SendOutcome) => void;
}

/** One exchange's handler: collects status, headers and the kept bytes of the body. */
class Exchange implements Dispatcher.DispatchHandler {
  readonly deadline: number;
  readonly #start = performance.now();
  readonly #o: ExchangeInit;
  #controller: Dispatcher.DispatchController | null = null;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #ttfbMs: number | undefined;
  #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  #timedOut = false;

  constructor(o: ExchangeInit) {
    this.#o = o;
    this.deadline = this.#start + o.timeoutMs;
  }

  /** Abort the exchange (cancellation); one not started yet settles at once. */
  abort(reason: Error): void {
    if (this.#controller) this.#controller.abort(reason);
    else this.#fail(reason);
  }

  /** The deadline passed: abort it and settle it as a step timeout. */
  expire(): void {
    this.#timedOut = true;
    if (this.#controller) this.#controller.abort(new Error('step timeout'));
    else this.#fail(new Error('step timeout'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(new Error('step timeout'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
    this.#ttfbMs = performance.now() - this.#start;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const limit = this.#o.bodyLimit;
    if (this.#size + chunk.length <= limit) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      return;
    }
    // Keep what fits, settle as truncated, and close the connection: the rest is not read.
    this.#chunks.push(chunk.subarray(0, limit - this.#size));
    this.#size = limit;
    this.#respond(true);
    controller.abort(new Error('body limit reached'));
  }

  onResponseEnd(): void {
    this.#respond(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
  }

  #respond(truncated: boolean): void {
    if (!this.#settle()) return;
    const durationMs = performance.now() - this.#start;
    const body =
      this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size);
    const response = new ReceivedResponse({
      url: this.#o.request.url,
      status: this.#status,
      headers: this.#headers,
      body,
      truncated,
      ttfbMs: this.#ttfbMs ?? durationMs,
      durationMs,
    });
    this.#o.resolve({ kind: 'response', response });
  }

  #fail(error: Error): void {
    if (!this.#settle()) return;
    const durationMs = performance.now() - this.#start;
    if (this.#o.sender.cancelled && !this.#timedOut) {
      this.#o.resolve({ kind: 'cancelled', durationMs });
      return;
    }
    const { method, url } = this.#o.request;
    const code = (error as { code?: string }).code ?? '';
    const runError =
      this.#timedOut || TIMEOUT_CODES.has(code)
        ? timeoutError(method, url, this.#o.timeoutMs, this.#ttfbMs !== undefined)
        : classifyError(error, method, url);
    const ttfb = this.#ttfbMs === undefined ? {} : { ttfbMs: this.#ttfbMs };
    this.#o.resolve({ kind: 'error', error: runError, durationMs, ...ttfb });
  }

  /** Mark the exchange settled; false when it already was. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#o.sender.done(this);
    return true;
  }
}
