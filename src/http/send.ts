/**
 * One HTTP exchange: send a prepared request through the shared dispatcher (undici's
 * `dispatch`, see exchange.ts), with a timeout that covers the headers and the body, and
 * a bounded body read.
 */
import type { Dispatcher } from 'undici';
import type { RunError } from '../checks/result.js';
import { type RequestDeadline, SingleDeadline } from './deadline.js';
import { Exchange, splitUrl } from './exchange.js';
import type { ReceivedResponse } from './response.js';

/** A request ready to send: templates rendered, URL absolute, headers final. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** How to send one request. */
export interface SendOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Bytes of body kept; the rest is not read. */
  bodyLimit: number;
  /** Run cancellation. */
  signal: AbortSignal;
  /** For requests sent one after another: one timer re-armed per request (a SequentialDeadline). */
  deadline?: RequestDeadline;
  /** Called once the request is on its way: work that can overlap the server's (see run-path.ts). */
  afterSend?: () => void;
}

/** What one exchange ended with. */
export type SendOutcome =
  | { kind: 'response'; response: ReceivedResponse }
  /** `cause`: what the transport threw (its `code`, e.g. ECONNREFUSED), never serialised. */
  | { kind: 'error'; error: RunError; durationMs: number; ttfbMs?: number; cause?: unknown }
  | { kind: 'cancelled'; durationMs: number };

/** Send one request; never throws (and never rejects). */
export function sendRequest(prepared: PreparedRequest, options: SendOptions): Promise<SendOutcome> {
  const { signal, timeoutMs } = options;
  if (signal.aborted) return Promise.resolve({ kind: 'cancelled', durationMs: 0 });
  const deadline = options.deadline ?? new SingleDeadline(signal);
  return new Promise((resolve) => {
    const exchange = new Exchange({
      method: prepared.method,
      url: prepared.url,
      timeoutMs,
      bodyLimit: options.bodyLimit,
      cancelled: () => signal.aborted,
      round: true,
      resolve: (outcome) => {
        deadline.end();
        resolve(outcome);
      },
    });
    deadline.start(timeoutMs, exchange);
    const { origin, path } = splitUrl(prepared.url);
    try {
      options.dispatcher.dispatch(
        {
          origin,
          path,
          method: prepared.method as Dispatcher.HttpMethod,
          headers: prepared.headers,
          body: prepared.body ?? null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        exchange,
      );
    } catch (error) {
      exchange.abort(error instanceof Error ? error : new Error(String(error)));
    }
    options.afterSend?.();
  });
}
