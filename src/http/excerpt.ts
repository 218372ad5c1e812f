/**
 * Small, redacted excerpts of a step's request and response for results: enough to
 * see what went wrong, never the whole body, never a secret.
 */
import type { Redactor } from '../report/redact.js';
import type { RequestExcerpt, ResponseExcerpt } from '../result.js';
import type { ReceivedResponse } from './response.js';
import type { PreparedRequest } from './send.js';

/** Bytes of request body kept in an excerpt. */
export const REQUEST_BODY_EXCERPT = 2048;
/** Bytes of response body kept in an excerpt. */
export const RESPONSE_BODY_EXCERPT = 4096;

const BINARY_TYPES = /^(image|audio|video|font)\/|octet-stream|zip|pdf|protobuf|msgpack|wasm/i;

/** The request as sent, redacted, body cut to 2 KB. */
export function requestExcerpt(request: PreparedRequest, redactor: Redactor): RequestExcerpt {
  const excerpt: RequestExcerpt = {
    method: request.method,
    url: redactor.redact(request.url),
    headers: redactor.redactHeaders(request.headers),
  };
  if (request.body !== undefined) excerpt.body = cutUtf8(redactor.redact(request.body), REQUEST_BODY_EXCERPT);
  return excerpt;
}

/** The response as received, redacted, body cut to 4 KB of text (binary bodies are described). */
export function responseExcerpt(response: ReceivedResponse, redactor: Redactor): ResponseExcerpt {
  const size = response.body.length;
  // Redact the whole kept text before cutting it, so no secret is cut in half and shown.
  const body = isBinary(response)
    ? `<${size} bytes binary>`
    : cutUtf8(redactor.redact(response.text), RESPONSE_BODY_EXCERPT);
  return {
    status: response.status,
    headers: redactor.redactHeaders(response.headerRecord()),
    body,
    size,
    truncated: response.truncated,
  };
}

/** Whether a body is binary: by its content type, else by a NUL byte or invalid UTF-8 in its start. */
export function isBinary(response: ReceivedResponse): boolean {
  if (BINARY_TYPES.test(response.header('content-type') ?? '')) return true;
  const sample = response.body.subarray(0, RESPONSE_BODY_EXCERPT);
  if (sample.includes(0)) return true;
  try {
    // stream: true leaves a character cut at the end of the sample undecoded instead of failing.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return false;
  } catch {
    return true;
  }
}

/** `text` cut to at most `maxBytes` of UTF-8 (an ellipsis marks the cut), never inside a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const ellipsis = '…';
  const kept = new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes - Buffer.byteLength(ellipsis)), {
    stream: true,
  });
  return `${kept}${ellipsis}`;
}
