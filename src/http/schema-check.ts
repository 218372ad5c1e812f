/**
 * `expect.schema`: validate a response body against a JSON Schema with ajv (and its
 * formats). Each schema is compiled once, cached by its JSON text.
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type addFormats from 'ajv-formats';

// ajv is loaded (synchronously, it is CommonJS) only when a step has `expect.schema`:
// most runs never need it, and it is a large part of a run's start-up.
const require = createRequire(import.meta.url);

/** One place where the body breaks the schema. */
export interface SchemaViolation {
  /** JSON Pointer into the body, `` for the whole body. */
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** The violations (empty: valid), or why the schema itself could not be compiled. */
export type SchemaCheck = { ok: true; violations: SchemaViolation[] } | { ok: false; reason: string };

type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };

const compiled = new Map<string, Compiled>();
let ajv: Ajv | undefined;

/** Validate `data` against `schema`; every violation is reported (allErrors). */
export function validateSchema(schema: Record<string, unknown>, data: unknown): SchemaCheck {
  const entry = compile(schema);
  if (!entry.ok) return entry;
  if (entry.validate(data)) return { ok: true, violations: [] };
  const violations = (entry.validate.errors ?? []).map((error) => ({
    instancePath: error.instancePath,
    keyword: error.keyword,
    params: error.params as Record<string, unknown>,
    message: error.message ?? `breaks ${error.keyword}`,
  }));
  return { ok: true, violations };
}

function compile(schema: Record<string, unknown>): Compiled {
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (!entry) {
    try {
      entry = { ok: true, validate: instance().compile(schema) };
    } catch (error) {
      entry = { ok: false, reason: `invalid JSON Schema: ${error instanceof Error ? error.message : error}` };
    }
    compiled.set(key, entry);
  }
  return entry;
}

function instance(): Ajv {
  if (!ajv) {
    // strict: false accepts the annotations OpenAPI schemas carry (example, nullable, ...).
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    ajv = new AjvClass({ allErrors: true, strict: false, addUsedSchema: false });
    (require('ajv-formats') as typeof addFormats).default(ajv);
  }
  return ajv;
}

/** The value at a JSON Pointer (`/items/0/price`) in `data`, or undefined. */
export function valueAtPointer(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
