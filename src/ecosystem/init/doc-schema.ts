/**
 * Reading what `init` needs from an OpenAPI document: an operation's success status, its
 * JSON response and request schemas (internal `$ref`s followed), and example values.
 */
import { asRecord, type OpenApiOperation } from '../../openapi/operations.js';

const MAX_REF_DEPTH = 20;

/** Follow internal `$ref`s (`#/components/...`) until a schema that is not a ref. */
export function resolveSchema(doc: Record<string, unknown>, schema: unknown): Record<string, unknown> {
  let current = asRecord(schema);
  for (let depth = 0; depth < MAX_REF_DEPTH && typeof current.$ref === 'string'; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/')) return current;
    let target: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = asRecord(target)[key];
    }
    current = asRecord(target);
  }
  return current;
}

/** The first documented 2xx status of an operation (200 when none is documented). */
export function successStatus(operation: OpenApiOperation): number {
  const codes = Object.keys(asRecord(operation.operation.responses))
    .filter((code) => /^2\d\d$/.test(code))
    .map(Number)
    .sort((a, b) => a - b);
  return codes[0] ?? 200;
}

/** The JSON schema of the operation's success response, refs resolved at the top. */
export function successSchema(
  doc: Record<string, unknown>,
  operation: OpenApiOperation,
): Record<string, unknown> | undefined {
  const response = resolveSchema(
    doc,
    asRecord(operation.operation.responses)[String(successStatus(operation))],
  );
  return jsonSchemaOf(doc, response.content);
}

/** The JSON schema of the operation's request body, when it has one. */
export function requestBodySchema(
  doc: Record<string, unknown>,
  operation: OpenApiOperation,
): { schema: Record<string, unknown>; required: boolean } | undefined {
  const body = resolveSchema(doc, operation.operation.requestBody);
  const schema = jsonSchemaOf(doc, body.content);
  return schema ? { schema, required: body.required === true } : undefined;
}

function jsonSchemaOf(doc: Record<string, unknown>, content: unknown): Record<string, unknown> | undefined {
  const media = Object.entries(asRecord(content)).find(([type]) => /json/i.test(type));
  if (!media) return undefined;
  const schema = asRecord(media[1]).schema;
  return schema === undefined ? undefined : resolveSchema(doc, schema);
}

/** A JSON value that fits `schema`: examples first, else `TODO` strings, zeros and the required fields. */
export function sampleValue(doc: Record<string, unknown>, schema: unknown, depth = 0): unknown {
  const s = resolveSchema(doc, schema);
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (depth > 5) return null;
  const variants = (s.anyOf ?? s.oneOf ?? s.allOf) as unknown[] | undefined;
  if (!type && Array.isArray(variants) && variants.length > 0)
    return sampleValue(doc, variants[0], depth + 1);
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    for (const name of required) out[name] = sampleValue(doc, asRecord(s.properties)[name], depth + 1);
    return out;
  }
  // A unique address per run: a sign-up does not collide with the last run's.
  if (s.format === 'email') return 'u-{{ run.id }}@example.com';
  return `TODO: a ${typeof s.format === 'string' ? s.format : 'value'}`;
}

/** A JSONPath to the `id` of the first element of a list response (`$.items[0].id`, `$[0].id`). */
export function firstIdPath(
  doc: Record<string, unknown>,
  schema: Record<string, unknown> | undefined,
): string | undefined {
  if (!schema) return undefined;
  if (hasId(doc, schema.items) && schema.type === 'array') return '$[0].id';
  for (const [name, property] of Object.entries(asRecord(schema.properties))) {
    const p = resolveSchema(doc, property);
    if (p.type === 'array' && hasId(doc, p.items) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return `$.${name}[0].id`;
    }
  }
  return undefined;
}

function hasId(doc: Record<string, unknown>, schema: unknown): boolean {
  return Object.hasOwn(asRecord(resolveSchema(doc, schema).properties), 'id');
}
