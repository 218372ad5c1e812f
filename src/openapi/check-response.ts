/**
 * `expect: { schema: openapi }`: a response checked against the document's operation —
 * its status is documented, its content type is one the operation declares, and its body
 * satisfies that media type's schema. Each mismatch names the JSON path and the rule.
 */
import type { ErrorObject } from 'ajv';
import type { AssertionFailure } from '../checks/paths/result.js';
import { describeValue } from '../http/describe-value.js';
import type { ReceivedResponse } from '../http/response.js';
import { valueAtPointer } from '../http/schema-check.js';
import { decodePointer, type SchemaCompiler } from './compile.js';
import { asRecord, type OpenApiOperation, toPointer } from './operations.js';

interface BodyContext {
  compiler: SchemaCompiler;
  label: string;
  pointer: string;
}

/** At most this many body violations are reported per step. */
const MAX_BODY_FAILURES = 20;

/** Every way `response` breaks `operation` (empty: it conforms). */
export function checkResponse(
  operation: OpenApiOperation,
  response: ReceivedResponse,
  compiler: SchemaCompiler,
): AssertionFailure[] {
  const label = `${operation.method} ${operation.path}`;
  const responses = asRecord(operation.operation.responses);
  const key = responseKey(responses, response.status);
  if (!key) {
    const documented = Object.keys(responses).join(', ') || 'none';
    return [
      failure(
        'openapi status',
        documented,
        response.status,
        `status ${response.status} is not a documented response of ${label} (documented: ${documented})`,
      ),
    ];
  }
  const content = asRecord(asRecord(responses[key]).content);
  const mediaTypes = Object.keys(content);
  if (mediaTypes.length === 0) return [];
  const contentType = response.header('content-type');
  const media = contentType ? matchMediaType(mediaTypes, contentType) : undefined;
  if (!media) {
    return [
      failure(
        'openapi content-type',
        mediaTypes,
        contentType,
        `content type ${contentType ? `"${contentType}"` : '(none)'} is not one that ${label} declares for ${key} (${mediaTypes.join(', ')})`,
      ),
    ];
  }
  if (!isJson(media) || asRecord(content[media]).schema === undefined) return [];
  const pointer = toPointer([...operation.pointer, 'responses', key, 'content', media, 'schema']);
  return checkBody(response, compiler, pointer, label);
}

function checkBody(
  response: ReceivedResponse,
  compiler: SchemaCompiler,
  pointer: string,
  label: string,
): AssertionFailure[] {
  const body = response.json();
  if (!body.ok) {
    return [failure('openapi body', 'a JSON body', excerpt(response.text), body.reason)];
  }
  const compiled = compiler.compile(pointer);
  if (!compiled.ok) return [failure('openapi schema', 'a compilable schema', undefined, compiled.reason)];
  if (compiled.validate(body.value)) return [];
  const errors = compiled.validate.errors ?? [];
  return errors
    .slice(0, MAX_BODY_FAILURES)
    .map((error) => bodyFailure(error, body.value, { compiler, label, pointer }));
}

function bodyFailure(error: ErrorObject, body: unknown, where: BodyContext): AssertionFailure {
  const { compiler, label, pointer } = where;
  const missing = error.keyword === 'required' ? String(error.params.missingProperty ?? '') : '';
  const instance = missing ? `${error.instancePath}/${escapeSegment(missing)}` : error.instancePath;
  const jsonPath = pointerToJsonPath(instance);
  const actual = missing ? undefined : valueAtPointer(body, error.instancePath);
  const rule = compiler.ruleAt(error) ?? decodePointer(pointer);
  const what = missing ? 'is required' : (error.message ?? `breaks ${error.keyword}`);
  const got = missing ? 'it is missing' : `got ${describeValue(actual)}`;
  const expected = { rule: error.keyword, schema: rule, params: error.params };
  return failure(
    `openapi ${jsonPath}`,
    expected,
    actual,
    `${what} (rule "${error.keyword}" at ${rule} of ${label}), ${got}${error.keyword === 'type' && actual === null ? NULL_HINT : ''}`,
  );
}

/** A null where the document allows none: most often an optional field documented without null. */
const NULL_HINT =
  '; the document does not allow null here: if the field is optional, document it so (`nullable: true` in OpenAPI 3.0, a "null" type in 3.1; FastAPI with pydantic v1 leaves this out of Optional fields), or leave `schema: openapi` out of this step';

/** The documented response for a status: exact code, then `2XX`, then `default`. */
function responseKey(responses: Record<string, unknown>, status: number): string | undefined {
  const exact = String(status);
  const range = `${String(status)[0]}XX`;
  return [exact, range, range.toLowerCase(), 'default'].find((k) => Object.hasOwn(responses, k));
}

/** The declared media type for a response content type: exact, then `type/*`, then `*\/*`. */
function matchMediaType(declared: string[], contentType: string): string | undefined {
  const actual = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const [type] = actual.split('/');
  const lower = declared.map((d) => d.split(';')[0]?.trim().toLowerCase() ?? '');
  const index = [actual, `${type}/*`, '*/*'].map((want) => lower.indexOf(want)).find((i) => i >= 0);
  return index === undefined ? undefined : declared[index];
}

function isJson(mediaType: string): boolean {
  return /^application\/(json|[^;]*\+json)|^\*\/\*/i.test(mediaType.trim());
}

/** `/items/0/price_cents` -> `$.items[0].price_cents`. */
export function pointerToJsonPath(pointer: string): string {
  if (pointer === '') return '$';
  let out = '$';
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function escapeSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** An assertion failure whose message starts with the assertion, like every other. */
function failure(assertion: string, expected: unknown, actual: unknown, words: string): AssertionFailure {
  return { assertion, expected, actual, message: `${assertion}: ${words}` };
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
