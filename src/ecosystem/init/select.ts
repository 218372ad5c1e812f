/**
 * Which operations `init` puts in the plan: the default selection (`--yes`), a selection
 * given with `--pick`, or one typed at the interactive prompt.
 */
import { listOperations, type OpenApiOperation } from '../../openapi/operations.js';
import { firstIdPath, resolveSchema, successSchema } from './doc-schema.js';

/** An operation `init` can offer, with what decides whether it runs without help. */
export interface Candidate {
  /** `GET /products/{product_id}`. */
  key: string;
  operation: OpenApiOperation;
  summary: string;
  /** It needs credentials (an OpenAPI security requirement). */
  secured: boolean;
  pathParams: string[];
  /** Required query parameters without an example or default. */
  unknownQuery: string[];
}

/** Every operation of the document as a candidate, in document order. */
export function listCandidates(doc: Record<string, unknown>): Candidate[] {
  return listOperations(doc).map((operation) => {
    const params = operation.parameters.map((p) => resolveSchema(doc, p));
    const inPath = params.filter((p) => p.in === 'path').map((p) => String(p.name));
    const unknownQuery = params
      .filter((p) => p.in === 'query' && p.required === true)
      .filter((p) => p.example === undefined && resolveSchema(doc, p.schema).default === undefined)
      .map((p) => String(p.name));
    const summary = typeof operation.operation.summary === 'string' ? operation.operation.summary : '';
    return {
      key: `${operation.method} ${operation.path}`,
      operation,
      summary,
      secured: isSecured(doc, operation),
      pathParams: inPath,
      unknownQuery,
    };
  });
}

/**
 * The `--yes` selection: every GET that runs without help (no credentials, no unknown
 * required query parameter, no path parameter), plus each GET `/things/{id}` whose id can
 * be captured from a selected GET `/things` that lists objects with an `id`.
 */
export function defaultSelection(doc: Record<string, unknown>, candidates: Candidate[]): Candidate[] {
  const plain = candidates.filter(
    (c) => c.operation.method === 'GET' && !c.secured && c.unknownQuery.length === 0,
  );
  const lists = plain.filter((c) => c.pathParams.length === 0);
  const details = plain.filter((c) => c.pathParams.length === 1 && idSource(doc, c, lists) !== undefined);
  const chosen = new Set([...lists, ...details]);
  return candidates.filter((c) => chosen.has(c));
}

/** The list operation (and JSONPath) an id for `detail`'s single path parameter can be captured from. */
export function idSource(
  doc: Record<string, unknown>,
  detail: Candidate,
  selected: Candidate[],
): { from: Candidate; jsonPath: string } | undefined {
  const parent = detail.operation.path.replace(/\/\{[^}/]+\}\/?$/, '');
  if (parent === detail.operation.path) return undefined;
  const from = selected.find((c) => c.operation.method === 'GET' && c.operation.path === parent);
  const jsonPath = from ? firstIdPath(doc, successSchema(doc, from.operation)) : undefined;
  return from && jsonPath ? { from, jsonPath } : undefined;
}

/** The selection a `--pick` value or a prompt answer names: `1,3-5`, `all`, or operation keys / ids. */
export function parsePick(text: string, candidates: Candidate[]): Candidate[] | { error: string } {
  const answer = text.trim();
  if (answer.toLowerCase() === 'all') return candidates;
  const picked = new Set<Candidate>();
  for (const part of answer
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const found = pickOne(part, candidates);
    if ('error' in found) return found;
    for (const c of found) picked.add(c);
  }
  if (picked.size === 0) return { error: 'no operation was picked' };
  return candidates.filter((c) => picked.has(c));
}

function pickOne(part: string, candidates: Candidate[]): Candidate[] | { error: string } {
  const range = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2] ?? range[1]);
    if (from < 1 || to > candidates.length || from > to) {
      return { error: `"${part}" is not within 1-${candidates.length}` };
    }
    return candidates.slice(from - 1, to);
  }
  const normal = part.replace(/\s+/g, ' ');
  const byKey = candidates.filter(
    (c) => c.key.toLowerCase() === normal.toLowerCase() || c.operation.operation.operationId === part,
  );
  if (byKey.length > 0) return byKey;
  return { error: `"${part}" is neither a number, an operationId, nor "METHOD /path" of the document` };
}

function isSecured(doc: Record<string, unknown>, operation: OpenApiOperation): boolean {
  const own = operation.operation.security;
  const requirements = Array.isArray(own) ? own : Array.isArray(doc.security) ? doc.security : [];
  // An empty requirement object ({}) makes credentials optional.
  return requirements.length > 0 && !requirements.some((r) => r && Object.keys(r).length === 0);
}
