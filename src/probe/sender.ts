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
import { Exchange } from '../http/exchange.js';
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

/** How often exchanges are checked against their deadline. */
const SWEEP_MS = 100;

/** Sends the probe's requests through one dispatcher; cancels them all when the signal aborts. */
export class ProbeSender {
  readonly #dispatcher: ProbeDispatcher;
  readonly #signal: AbortSignal;
  readonly #inFlight = new Set<Exchange>();
  readonly #cancelled = (): boolean => this.#signal.aborted;
  readonly #done = (exchange: Exchange): void => {
    this.#inFlight.delete(exchange);
  };
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
      const exchange = new Exchange({
        method: request.method,
        url: request.url,
        timeoutMs,
        bodyLimit,
        cancelled: this.#cancelled,
        resolve,
        settled: this.#done,
      });
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

  #expire(): void {
    const now = performance.now();
    for (const exchange of this.#inFlight) if (now >= exchange.deadline) exchange.expire();
  }
}
