/**
 * One HTTP exchange: send a prepared request through the shared dispatcher, with a
 * timeout that covers the headers and the body, and a bounded body read.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import type { RunError } from '../result.js';
import type { SequentialDeadline } from './deadline.js';
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
  /** For requests sent one after another: a shared signal and timer instead of new ones per request. */
  deadline?: SequentialDeadline;
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
  const deadline = options.deadline ?? new OwnDeadline(options.signal);
  const signal = deadline.start(options.timeoutMs);
  let timedOut = false;
  let ttfbMs: number | undefined;
  try {
    const res = await request(prepared.url, {
      method: prepared.method as Dispatcher.HttpMethod,
      headers: prepared.headers,
      body: prepared.body,
      dispatcher: options.dispatcher,
      signal,
    });
    ttfbMs = roundMs(performance.now() - start);
    const { bytes, truncated } = await readBody(res.body, res.headers['content-length'], options.bodyLimit);
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
    timedOut = deadline.end();
    const durationMs = roundMs(performance.now() - start);
    if (options.signal.aborted) return { kind: 'cancelled', durationMs };
    const runError = timedOut
      ? timeoutError(prepared.method, prepared.url, options.timeoutMs, ttfbMs !== undefined)
      : classifyError(error, prepared.method, prepared.url);
    return { kind: 'error', error: runError, durationMs, ...(ttfbMs === undefined ? {} : { ttfbMs }) };
  } finally {
    deadline.end();
    if (!options.deadline) (deadline as OwnDeadline).dispose();
  }
}

/** A deadline for a single request (callers without a SequentialDeadline). */
class OwnDeadline {
  readonly #controller = new AbortController();
  readonly #run: AbortSignal;
  readonly #cancel = (): void => this.#controller.abort(this.#run.reason);
  #timer: NodeJS.Timeout | undefined;
  #timedOut = false;

  constructor(run: AbortSignal) {
    this.#run = run;
  }

  start(timeoutMs: number): AbortSignal {
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new Error('step timeout'));
    }, timeoutMs);
    this.#run.addEventListener('abort', this.#cancel, { once: true });
    return this.#controller.signal;
  }

  end(): boolean {
    return this.#timedOut;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#run.removeEventListener('abort', this.#cancel);
  }
}

/**
 * The body, bounded. A body whose length is announced and within the limit is read whole by
 * undici (much cheaper than iterating the stream); the HTTP parser holds it to that length.
 */
async function readBody(
  body: Body,
  contentLength: string | string[] | undefined,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const announced = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
  if (Number.isSafeInteger(announced) && announced >= 0 && announced <= limit) {
    return { bytes: Buffer.from(await body.arrayBuffer()), truncated: false };
  }
  return readBounded(body, limit);
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
