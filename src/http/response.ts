/**
 * A response as received by one attempt: status, headers, the kept bytes of the body
 * (bounded), and timings. Text and JSON views are decoded once, on demand.
 */

import { parseJson as parseLosslessJson } from '../json/lossless.js';

/** The body parsed as JSON, or why it could not be. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: string };

/** What one attempt received. */
export interface ReceivedResponseInit {
  /** The URL that was requested. */
  url: string;
  status: number;
  /** Lower-case names; repeated headers (set-cookie) as arrays. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body was longer than the body limit and was cut. */
  truncated: boolean;
  ttfbMs: number;
  durationMs: number;
  /** When the response was complete (performance.now()), if the sender knows. */
  receivedAt?: number;
}

/** One received response, with lazily decoded text and JSON views. */
export class ReceivedResponse {
  readonly url: string;
  readonly status: number;
  readonly body: Buffer;
  readonly truncated: boolean;
  readonly ttfbMs: number;
  readonly durationMs: number;
  /** When the response was complete (a performance.now() reading). */
  readonly receivedAt: number;
  #headers: Record<string, string | string[] | undefined>;
  #text: string | undefined;
  #json: JsonBody | undefined;

  constructor(init: ReceivedResponseInit) {
    this.url = init.url;
    this.status = init.status;
    this.body = init.body;
    this.truncated = init.truncated;
    this.ttfbMs = init.ttfbMs;
    this.durationMs = init.durationMs;
    this.receivedAt = init.receivedAt ?? performance.now();
    this.#headers = init.headers;
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    this.#text ??= this.body.toString('utf8');
    return this.#text;
  }

  /** The body parsed as JSON (parsed once). */
  json(): JsonBody {
    this.#json ??= parseJson(this.text, this.truncated);
    return this.#json;
  }

  /** Every value of a header (case-insensitive name). */
  headerValues(name: string): string[] {
    const value = this.#headers[name.toLowerCase()];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }

  /** A header's value, repeated values joined with `, `; undefined when absent. */
  header(name: string): string | undefined {
    const values = this.headerValues(name);
    return values.length === 0 ? undefined : values.join(', ');
  }

  /** All headers as single strings (repeated values joined with `, `). */
  headerRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.keys(this.#headers)) {
      const value = this.header(name);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
}

function parseJson(text: string, truncated: boolean): JsonBody {
  if (text.trim() === '') return { ok: false, reason: 'response body is empty, not JSON' };
  try {
    return { ok: true, value: parseLosslessJson(text) };
  } catch {
    const why = truncated ? ' (it was cut at the body limit)' : '';
    return { ok: false, reason: `response body is not JSON${why}` };
  }
}
