/**
 * Values for request bodies that init writes: the run's own user for credentials, then what
 * the schema says (examples, defaults, enums, formats).
 */
import { asRecord } from '../../openapi/operations.js';
import { resolveSchema } from './doc-schema.js';

type Json = Record<string, unknown>;

/** The user the flows sign up and log in as; unique per run. */
// example.com, not example.test: email-validator (FastAPI's EmailStr) refuses special-use
// domains such as .test, so a sign-up with one is a 422 (seen on a public FastAPI template).
export const FLOW_EMAIL = 'u-{{ run.id }}@example.com';

/** The run's user for a credential field (an email, a password, a user name), else undefined. */
function credentialOf(s: Json, name: string): string | undefined {
  if (s.type !== undefined && s.type !== 'string') return undefined;
  if (s.format === 'email' || /^e-?mail$/i.test(name)) return FLOW_EMAIL;
  if (/password/i.test(name) || s.format === 'password') return '{{ password }}';
  if (/^user_?name$/i.test(name)) return 'u-{{ run.id }}';
  return undefined;
}

/**
 * A value that fits `schema` and a server accepts: the run's user for credentials (a unique
 * email and user name, the plan's password), then examples, defaults, enums, formats, other strings a text as
 * long as the schema allows. Only required properties, unless `all`.
 */
export function sample(doc: Json, schema: unknown, name: string, all = false, depth = 0): unknown {
  const s = resolveSchema(doc, schema);
  // Credentials before examples: the sign-up and the login must send the same unique user.
  const credential = credentialOf(s, name);
  if (credential !== undefined) return credential;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined && s.default !== null) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const variants = (s.anyOf ?? s.oneOf ?? s.allOf) as unknown[] | undefined;
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (!type && Array.isArray(variants)) {
    const first = variants.find((v) => resolveSchema(doc, v).type !== 'null');
    return first === undefined || depth > 5 ? null : sample(doc, first, name, all, depth + 1);
  }
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (type === 'object' || s.properties) {
    const out: Json = {};
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    for (const [key, property] of Object.entries(asRecord(s.properties)))
      if (required.includes(key) || (all && depth === 0))
        out[key] = sample(doc, property, key, all, depth + 1);
    return out;
  }
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
  if (s.format === 'date') return '2030-01-01';
  const text = `${name || 'preflight'} {{ run.id }}`;
  return typeof s.maxLength === 'number' && s.maxLength < 40
    ? 'x'.repeat(Math.max(1, Number(s.minLength ?? 1)))
    : text;
}
