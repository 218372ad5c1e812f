/**
 * Turning what the HTTP client throws into a `RunError` with a stable code and a
 * message that names the request and the cause.
 */
import type { RunError } from '../checks/result.js';
import { formatMs } from './timing.js';

/** Stable codes of the errors a step can end with (it got no usable response). */
export type HttpErrorCode =
  | 'STEP_TIMEOUT'
  | 'HTTP_CONNECTION_REFUSED'
  | 'HTTP_CONNECTION_RESET'
  | 'HTTP_DNS'
  | 'HTTP_CONNECT_TIMEOUT'
  | 'HTTP_TLS'
  | 'HTTP_INVALID_REQUEST'
  | 'HTTP_INVALID_RESPONSE'
  | 'HTTP_ERROR';

interface Cause {
  code: HttpErrorCode;
  words: string;
}

const BY_SYSTEM_CODE: Record<string, Cause> = {
  ECONNREFUSED: {
    code: 'HTTP_CONNECTION_REFUSED',
    words: 'connection refused; is the service running and listening?',
  },
  ECONNRESET: { code: 'HTTP_CONNECTION_RESET', words: 'the connection was reset by the server' },
  EPIPE: { code: 'HTTP_CONNECTION_RESET', words: 'the connection was closed while sending the request' },
  UND_ERR_SOCKET: { code: 'HTTP_CONNECTION_RESET', words: 'the server closed the connection' },
  ENOTFOUND: { code: 'HTTP_DNS', words: 'the host name could not be resolved' },
  EAI_AGAIN: { code: 'HTTP_DNS', words: 'the host name could not be resolved (temporary DNS failure)' },
  ETIMEDOUT: { code: 'HTTP_CONNECT_TIMEOUT', words: 'the connection timed out' },
  UND_ERR_CONNECT_TIMEOUT: {
    code: 'HTTP_CONNECT_TIMEOUT',
    words: 'the connection could not be opened in time',
  },
  EHOSTUNREACH: { code: 'HTTP_ERROR', words: 'the host is unreachable' },
  ENETUNREACH: { code: 'HTTP_ERROR', words: 'the network is unreachable' },
  UND_ERR_INVALID_ARG: { code: 'HTTP_INVALID_REQUEST', words: 'the request is invalid' },
  ERR_INVALID_URL: { code: 'HTTP_INVALID_REQUEST', words: 'the URL is invalid' },
  UND_ERR_HEADERS_OVERFLOW: {
    code: 'HTTP_INVALID_RESPONSE',
    words: 'the response headers are too large (more than 16 KiB); is something adding headers in a loop?',
  },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    code: 'HTTP_CONNECTION_RESET',
    words: 'the body ended before the length its Content-Length header announced',
  },
};

/** undici's parse error (it carries no code): the server answered with something that is not HTTP/1.1. */
function notHttp(error: unknown): Cause | undefined {
  if (!(error instanceof Error) || error.name !== 'HTTPParserError') return undefined;
  return {
    code: 'HTTP_INVALID_RESPONSE',
    words: 'the server answered with something that is not a valid HTTP response; is this the right port?',
  };
}

/** A RunError for an exception thrown while sending `method url`. */
export function classifyError(error: unknown, method: string, url: string): RunError {
  const systemCode = findCode(error, 0);
  const cause = systemCode ? (BY_SYSTEM_CODE[systemCode] ?? tlsCause(systemCode)) : notHttp(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (cause) return { code: cause.code, message: `${method} ${url} failed: ${cause.words} (${detail})` };
  return { code: 'HTTP_ERROR', message: `${method} ${url} failed: ${detail}` };
}

/** A RunError for a step that did not finish in time. */
export function timeoutError(method: string, url: string, timeoutMs: number, gotHeaders: boolean): RunError {
  const what = gotHeaders ? 'answered but did not send its whole body within' : 'did not answer within';
  return { code: 'STEP_TIMEOUT', message: `${method} ${url} ${what} ${formatMs(timeoutMs)}` };
}

function tlsCause(code: string): Cause | undefined {
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return { code: 'HTTP_TLS', words: `the TLS handshake failed (${code})` };
  }
  return undefined;
}

/** The first system or undici error code in an error, its cause, or an AggregateError's errors. */
function findCode(error: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== 'ERR_AGGREGATE') return code;
  const nested = findCode(cause, depth + 1);
  if (nested) return nested;
  return Array.isArray(errors) ? findCode(errors[0], depth + 1) : undefined;
}
