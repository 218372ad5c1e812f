/**
 * One HTTP exchange at undici's `dispatch` level, shared by the critical-path engine
 * (send.ts) and the probe (probe/sender.ts): collects status, headers and the kept bytes
 * of the body, and settles once with the engine's SendOutcome. No response stream, no
 * AbortController or abort listener per request: whoever owns the exchange calls
 * `abort` (cancellation) or `expire` (the step timeout). Beyond the body limit the
 * response is cut and the connection closed, so a huge body is not downloaded.
 */
import { performance } from 'node:perf_hooks'; // faster than the global accessor (see h1-pool.ts)
import type { Dispatcher } from 'undici';
import { classifyError, timeoutError } from './errors.js';
import { ReceivedResponse } from './response.js';
import type { SendOutcome } from './send.js';
import { roundMs } from './timing.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** What an exchange needs. */
export interface ExchangeInit {
  method: string;
  url: string;
  timeoutMs: number;
  bodyLimit: number;
  /** Whether the run was cancelled (an abort that is not a timeout then settles as cancelled). */
  cancelled: () => boolean;
  /** Called once, when the outcome is known. */
  resolve: (outcome: SendOutcome) => void;
  /** Called once, as the exchange settles (before `resolve`). */
  settled?: (exchange: Exchange) => void;
  /** Round times to 0.01 ms, as results carry them (the probe keeps full resolution). */
  round?: boolean;
}

const exact = (ms: number): number => ms;

/** A controller that says when the response's bytes were read (h1-pool's); else it is now. */
interface TimedController {
  headersAt?: number;
  receivedAt?: number;
}

/** One exchange's handler (undici's new-style DispatchHandler). */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly deadline: number;
  readonly #start = performance.now();
  readonly #o: ExchangeInit;
  readonly #ms: (ms: number) => number;
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
    this.#ms = o.round ? roundMs : exact;
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
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
    const at = (controller as TimedController).headersAt || performance.now();
    this.#ttfbMs = this.#ms(at - this.#start);
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

  onResponseEnd(controller: Dispatcher.DispatchController): void {
    this.#respond(false, (controller as TimedController).receivedAt || performance.now());
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
  }

  #respond(truncated: boolean, at = performance.now()): void {
    if (!this.#settle()) return;
    const durationMs = this.#ms(at - this.#start);
    const body =
      this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#size);
    const response = new ReceivedResponse({
      url: this.#o.url,
      status: this.#status,
      headers: this.#headers,
      body,
      truncated,
      ttfbMs: this.#ttfbMs ?? durationMs,
      durationMs,
      receivedAt: at,
    });
    this.#o.resolve({ kind: 'response', response });
  }

  #fail(error: Error): void {
    if (!this.#settle()) return;
    const durationMs = this.#ms(performance.now() - this.#start);
    if (this.#o.cancelled() && !this.#timedOut) {
      this.#o.resolve({ kind: 'cancelled', durationMs });
      return;
    }
    const { method, url } = this.#o;
    const code = (error as { code?: string }).code ?? '';
    const runError =
      this.#timedOut || TIMEOUT_CODES.has(code)
        ? timeoutError(method, url, this.#o.timeoutMs, this.#ttfbMs !== undefined)
        : classifyError(error, method, url);
    const ttfb = this.#ttfbMs === undefined ? {} : { ttfbMs: this.#ttfbMs };
    this.#o.resolve({ kind: 'error', error: runError, durationMs, ...ttfb, cause: error });
  }

  /** Mark the exchange settled; false when it already was. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#o.settled?.(this);
    return true;
  }
}

/** Split an absolute URL (as built by `prepareRequest`) into origin and path. */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}
