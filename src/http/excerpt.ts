/**
 * Small, redacted excerpts of a step's request and response for results: enough to
 * see what went wrong, never the whole body, never a secret.
 */
import { isUtf8 } from 'node:buffer';
import type { RequestExcerpt, ResponseExcerpt } from '../checks/paths/result.js';
import type { Redactor } from '../secrets/redactor.js';
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
  // Node's isUtf8 (simdutf) instead of a fatal TextDecoder: no decoder, no exception per body.
  return !isUtf8WithCutEnd(sample);
}

/** Whether `bytes` is UTF-8, allowing one character cut short at its very end. */
function isUtf8WithCutEnd(bytes: Buffer): boolean {
  if (isUtf8(bytes)) return true;
  // The cut character starts at most 3 bytes from the end; it is fine when some ending completes it.
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const tail = bytes.subarray(bytes.length - back);
    if (canComplete(tail) && isUtf8(bytes.subarray(0, bytes.length - back))) return true;
  }
  return false;
}

/** Whether continuation bytes can make `tail` one valid character (the valid second bytes vary). */
function canComplete(tail: Buffer): boolean {
  const lead = tail[0] as number;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (tail.length >= length) return false;
  return [0x80, 0x90, 0xa0].some((second) => {
    const filled = Buffer.alloc(length, 0x80);
    tail.copy(filled);
    if (tail.length === 1) filled[1] = second;
    return isUtf8(filled);
  });
}

/** `text` cut to at most `maxBytes` of UTF-8 (an ellipsis marks the cut), never inside a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: short texts need no byte count.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const ellipsis = '…';
  const kept = new TextDecoder('utf-8').decode(bytes.subarray(0, maxBytes - Buffer.byteLength(ellipsis)), {
    stream: true,
  });
  return `${kept}${ellipsis}`;
}
