/**
 * One HTTP exchange: send a prepared request through the shared dispatcher, with a
 * timeout that covers the headers and the body, and a bounded body read.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { RunError } from '../result.js';
import { classifyError, timeoutError } from './errors.js';
import { ReceivedResponse } from './response.js';
import { roundMs } from './timing.js';

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
}

/** What one exchange ended with. */
export type SendOutcome =
  | { kind: 'response'; response: ReceivedResponse }
  | { kind: 'error'; error: RunError; durationMs: number; ttfbMs?: number }
  | { kind: 'cancelled'; durationMs: number };

type Body = Dispatcher.ResponseData['body'];

/** Send one request; never throws. */
export async function sendRequest(prepared: PreparedRequest, options: SendOptions): Promise<SendOutcome> {
  const start = performance.now();
  if (options.signal.aborted) return { kind: 'cancelled', durationMs: 0 };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('step timeout'));
  }, options.timeoutMs);
  const cancel = (): void => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', cancel, { once: true });
  let ttfbMs: number | undefined;
  try {
    const res = await request(prepared.url, {
      method: prepared.method as Dispatcher.HttpMethod,
      headers: prepared.headers,
      body: prepared.body,
      dispatcher: options.dispatcher,
      signal: controller.signal,
    });
    ttfbMs = roundMs(performance.now() - start);
    const { bytes, truncated } = await readBounded(res.body, options.bodyLimit);
    const durationMs = roundMs(performance.now() - start);
    const init = {
      url: prepared.url,
      status: res.statusCode,
      headers: res.headers,
      body: bytes,
      truncated,
      ttfbMs,
      durationMs,
    };
    return { kind: 'response', response: new ReceivedResponse(init) };
  } catch (error) {
    const durationMs = roundMs(performance.now() - start);
    if (options.signal.aborted) return { kind: 'cancelled', durationMs };
    const runError = timedOut
      ? timeoutError(prepared.method, prepared.url, options.timeoutMs, ttfbMs !== undefined)
      : classifyError(error, prepared.method, prepared.url);
    return { kind: 'error', error: runError, durationMs, ...(ttfbMs === undefined ? {} : { ttfbMs }) };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', cancel);
  }
}

/** Read at most `limit` bytes of a body; beyond that, stop reading and destroy the stream. */
async function readBounded(body: Body, limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (size + buf.length > limit) {
        chunks.push(buf.subarray(0, limit - size));
        body.destroy();
        return { bytes: Buffer.concat(chunks, limit), truncated: true };
      }
      chunks.push(buf);
      size += buf.length;
    }
  } catch (error) {
    body.destroy();
    throw error;
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}
