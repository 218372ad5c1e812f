/**
 * Compiling the response schemas of an OpenAPI document with ajv: draft 2020-12 for
 * OpenAPI 3.1, draft-07 for 3.0 (after turning its dialect, `nullable` and boolean
 * `exclusiveMinimum`, into plain JSON Schema). The whole document is added to ajv once,
 * so `#/components/...` refs resolve inside it; each schema is compiled once, by pointer.
 */
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { toJsonSchemaDialect } from './dialect-30.js';
import type { OpenApiDocument } from './document.js';

const DOC_ID = 'preflight-openapi-document';

/** The formats OpenAPI adds to JSON Schema's; they only describe, so they accept anything. */
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];

/** A compiled schema, or why it could not be compiled. */
export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; reason: string };

/** Compiles schemas at JSON Pointers of one document. */
export class SchemaCompiler {
  readonly #ajv: Ajv | Ajv2020;
  readonly #cache = new Map<string, CompiledSchema>();
  readonly #doc: Record<string, unknown>;
  #locations: WeakMap<object, string> | undefined;

  constructor(document: OpenApiDocument) {
    const options: Options = {
      allErrors: true,
      strict: false,
      validateSchema: false,
      logger: false,
      discriminator: false,
      // verbose: errors carry the schema object that broke, which `ruleAt` finds in the document.
      verbose: true,
    };
    this.#ajv = document.version === '3.1' ? new Ajv2020(options) : new Ajv(options);
    // ajv-formats is CommonJS; under NodeNext its default export is reached through `.default`.
    addFormats.default(this.#ajv);
    for (const name of OPENAPI_FORMATS) this.#ajv.addFormat(name, true);
    this.#doc = document.version === '3.0' ? toJsonSchemaDialect(document.doc) : document.doc;
    this.#ajv.addSchema(this.#doc, DOC_ID);
  }

  /** Where the rule an error broke is in the document, e.g. `#/components/schemas/P/properties/a/type`. */
  ruleAt(error: ErrorObject): string | undefined {
    this.#locations ??= indexObjects(this.#doc);
    const parent = error.parentSchema;
    const at = parent && typeof parent === 'object' ? this.#locations.get(parent) : undefined;
    return at === undefined ? undefined : `${at}/${error.keyword}`;
  }

  /** The validator of the schema at `pointer` (`#/paths/...`), compiled on first use. */
  compile(pointer: string): CompiledSchema {
    let entry = this.#cache.get(pointer);
    if (!entry) {
      try {
        entry = { ok: true, validate: this.#ajv.compile({ $ref: `${DOC_ID}${pointer}` }) };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        entry = { ok: false, reason: `the schema at ${decodePointer(pointer)} cannot be compiled: ${why}` };
      }
      this.#cache.set(pointer, entry);
    }
    return entry;
  }
}

/** Every object of the document by identity -> its JSON Pointer (`#/a/b`), unencoded. */
function indexObjects(doc: Record<string, unknown>): WeakMap<object, string> {
  const index = new WeakMap<object, string>();
  const stack: [unknown, string][] = [[doc, '#']];
  while (stack.length > 0) {
    const [value, at] = stack.pop() as [unknown, string];
    if (!value || typeof value !== 'object' || index.has(value)) continue;
    index.set(value, at);
    for (const [key, inner] of Object.entries(value)) {
      stack.push([inner, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return index;
}

/** A pointer for people: URI-decoded, without the document id. */
export function decodePointer(pointer: string): string {
  const plain = pointer.startsWith(DOC_ID) ? pointer.slice(DOC_ID.length) : pointer;
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}
