/**
 * The OpenAPI validator of a run: the document is loaded once, on first use, and each
 * response is checked against the operation its request went to.
 */
import type { AssertionFailure } from '../checks/paths/result.js';
import type { ReceivedResponse } from '../http/response.js';
import type { checkResponse } from './check-response.js';
import type { SchemaCompiler } from './compile.js';
import type { OpenApiDocument, OpenApiSourceSpec } from './document.js';
import type { matchOperation } from './operations.js';

/** Where the document is when the plan does not say: the service's FastAPI default. */
export const DEFAULT_OPENAPI_SOURCE = '/openapi.json';

/** Checks responses against the service's OpenAPI document. */
export interface OpenApiValidator {
  /**
   * The ways `response` to a `method` request breaks the document (empty: it conforms).
   * Throws OpenApiError when the document cannot be loaded.
   */
  check(method: string, response: ReceivedResponse): Promise<AssertionFailure[]>;
}

interface Loaded {
  document: OpenApiDocument;
  compiler: SchemaCompiler;
  checkResponse: typeof checkResponse;
  matchOperation: typeof matchOperation;
}

/** A validator whose document is loaded (once) on the first check. */
export function createOpenApiValidator(spec: OpenApiSourceSpec): OpenApiValidator {
  let loading: Promise<Loaded> | undefined;
  // Everything past this point (ajv's 2020 dialect, the $ref parser) loads only when a step asks.
  const load = (): Promise<Loaded> => {
    loading ??= (async () => {
      const [{ loadOpenApiDocument }, { SchemaCompiler }, checking, operations] = await Promise.all([
        import('./document.js'),
        import('./compile.js'),
        import('./check-response.js'),
        import('./operations.js'),
      ]);
      const document = await loadOpenApiDocument(spec);
      return {
        document,
        compiler: new SchemaCompiler(document),
        checkResponse: checking.checkResponse,
        matchOperation: operations.matchOperation,
      };
    })();
    return loading;
  };
  return {
    async check(method, response) {
      const { document, compiler, checkResponse, matchOperation } = await load();
      const requestPath = pathUnderService(response.url, spec.serviceUrl);
      const operation = matchOperation(document.doc, method, requestPath);
      if (!operation) {
        return [
          {
            assertion: 'openapi operation',
            expected: `an operation of ${document.location}`,
            actual: `${method.toUpperCase()} ${requestPath}`,
            message: `openapi: ${method.toUpperCase()} ${requestPath} matches no operation of ${document.location}`,
          },
        ];
      }
      return checkResponse(operation, response, compiler);
    },
  };
}

/** The request URL's path, without the service URL's own path prefix. */
function pathUnderService(url: string, serviceUrl: string): string {
  const pathname = safePathname(url);
  const prefix = safePathname(serviceUrl).replace(/\/+$/, '');
  return prefix && pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : pathname;
}

function safePathname(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
