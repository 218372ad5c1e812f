/**
 * The operations of an OpenAPI document, and finding the one a request went to: the
 * method plus the path template (`/products/{product_id}`) that matches the URL's path.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One operation of the document, with the JSON Pointer to it. */
export interface OpenApiOperation {
  method: string;
  /** The path template, e.g. `/products/{product_id}`. */
  path: string;
  /** JSON Pointer segments to the operation object: `['paths', path, method]`. */
  pointer: string[];
  operation: Record<string, unknown>;
  /** Path-level and operation-level parameters (refs left as they are). */
  parameters: Record<string, unknown>[];
}

/** Every operation of the document, in document order. */
export function listOperations(doc: Record<string, unknown>): OpenApiOperation[] {
  const out: OpenApiOperation[] = [];
  for (const [template, item] of Object.entries(asRecord(doc.paths))) {
    const pathItem = asRecord(item);
    const shared = asArray(pathItem.parameters);
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!operation || typeof operation !== 'object') continue;
      const own = asArray((operation as Record<string, unknown>).parameters);
      out.push({
        method: method.toUpperCase(),
        path: template,
        pointer: ['paths', template, method],
        operation: operation as Record<string, unknown>,
        parameters: [...shared, ...own],
      });
    }
  }
  return out;
}

/**
 * The operation for `method` and a request path, trying the path as is and without each
 * server's base path. Literal templates win over templated ones (`/orders/mine` over `/orders/{id}`).
 */
export function matchOperation(
  doc: Record<string, unknown>,
  method: string,
  requestPath: string,
): OpenApiOperation | undefined {
  const wanted = method.toUpperCase();
  const candidates = listOperations(doc)
    .filter((op) => op.method === wanted)
    .sort((a, b) => paramCount(a.path) - paramCount(b.path));
  for (const pathname of candidatePaths(doc, requestPath)) {
    const found = candidates.find((op) => templateRegExp(op.path).test(pathname));
    if (found) return found;
  }
  return undefined;
}

/** The request path, then the request path without each server's base path. */
function candidatePaths(doc: Record<string, unknown>, requestPath: string): string[] {
  const out = [requestPath];
  for (const server of asArray(doc.servers)) {
    const url = typeof server.url === 'string' ? server.url : '';
    let base: string;
    try {
      base = new URL(url, 'http://placeholder').pathname.replace(/\/+$/, '');
    } catch {
      continue;
    }
    if (base && requestPath.startsWith(`${base}/`)) out.push(requestPath.slice(base.length));
  }
  return out;
}

function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}/]+\})/)
    .map((part) => (/^\{[^}/]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`);
}

function paramCount(template: string): number {
  return (template.match(/\{[^}/]+\}/g) ?? []).length;
}

/** `value` when it is a plain object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v) => v && typeof v === 'object') : [];
}

/** A JSON Pointer (`#/a/b~1c`) from its segments, URI-encoded for use in a `$ref`. */
export function toPointer(segments: readonly string[]): string {
  return `#/${segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
}
