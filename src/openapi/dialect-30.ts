/**
 * OpenAPI 3.0's schema dialect, turned into plain JSON Schema (draft-07) so ajv checks what
 * 3.0 means: `nullable: true` admits null, and boolean `exclusiveMinimum`/`exclusiveMaximum`
 * make `minimum`/`maximum` exclusive. Examples are left untouched.
 */

const SKIP_KEYS = new Set(['example', 'examples']);

/** A copy of a 3.0 document with every schema in plain JSON Schema. */
export function toJsonSchemaDialect(doc: Record<string, unknown>): Record<string, unknown> {
  return convert(doc) as Record<string, unknown>;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = SKIP_KEYS.has(key) ? inner : convert(inner);
  fixExclusive(out, 'exclusiveMinimum', 'minimum');
  fixExclusive(out, 'exclusiveMaximum', 'maximum');
  return out.nullable === true ? admitNull(out) : out;
}

function fixExclusive(schema: Record<string, unknown>, exclusive: string, bound: string): void {
  if (typeof schema[exclusive] !== 'boolean') return;
  if (schema[exclusive] === true && typeof schema[bound] === 'number') {
    schema[exclusive] = schema[bound];
    delete schema[bound];
  } else {
    delete schema[exclusive];
  }
}

function admitNull(schema: Record<string, unknown>): Record<string, unknown> {
  const { nullable: _nullable, ...rest } = schema;
  if (typeof rest.type === 'string') {
    const out: Record<string, unknown> = { ...rest, type: [rest.type, 'null'] };
    if (Array.isArray(rest.enum) && !rest.enum.includes(null)) out.enum = [...rest.enum, null];
    return out;
  }
  // No single type (a $ref, allOf, ...): either the schema holds, or the value is null.
  return { anyOf: [rest, { type: 'null' }] };
}
