/**
 * Turn zod issues into positioned diagnostics with hints ("did you mean ...").
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import type { Diagnostic } from './diagnostic.js';
import type { PathKey, YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;
type JsonSchema = Record<string, unknown>;

/** Convert every zod issue into a diagnostic pointing into the YAML source. */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  source: YamlSource,
  data: unknown,
  planSchema: () => JsonSchema,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = { source, data, planSchema };
  for (const issue of issues) out.push(...issueToDiagnostics(issue, [], where));
  return out;
}

/** What an issue is read against: the plan's text and data, and its JSON Schema (for known keys). */
interface IssueSite {
  source: YamlSource;
  data: unknown;
  planSchema: () => JsonSchema;
}

function issueToDiagnostics(issue: Issue, base: PathKey[], site: IssueSite): Diagnostic[] {
  const { source, data } = site;
  const path = [...base, ...(issue.path as PathKey[])];
  const where = describePath(path, data);
  const at = (
    span: { line: number; column: number; length: number },
    code: string,
    message: string,
    hint?: string,
  ) => ({
    code,
    severity: 'error' as const,
    message,
    file: source.file,
    ...span,
    ...(hint ? { hint } : {}),
  });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(site.planSchema(), path);
        const suggestion = suggest(key, known);
        const hint = suggestion
          ? `did you mean "${suggestion}"?`
          : known.length
            ? `expected one of: ${known.join(', ')}`
            : undefined;
        return at(source.spanOfKey(path, key), 'PLAN_UNKNOWN_KEY', `unknown key "${key}"${where}`, hint);
      });
    case 'invalid_type': {
      if (issue.input === undefined && !source.has(path)) {
        const key = String(path[path.length - 1]);
        const parent = path.slice(0, -1);
        return [
          at(
            source.spanOf(parent),
            'PLAN_MISSING_KEY',
            `missing required key "${key}"${describePath(parent, data)}`,
            `add ${key}: <${issue.expected}>`,
          ),
        ];
      }
      return [
        at(
          source.spanOf(path),
          'PLAN_WRONG_TYPE',
          `${label(path)}: expected ${article(issue.expected)}, got ${describeValue(issue.input)}${where}`,
        ),
      ];
    }
    case 'invalid_union':
      return unionDiagnostics(issue, path, site);
    case 'invalid_value':
      return [
        at(
          source.spanOf(path),
          'PLAN_INVALID_VALUE',
          `${label(path)}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}${where}`,
          suggestValue(issue.input, issue.values),
        ),
      ];
    case 'invalid_format':
    case 'too_small':
    case 'too_big':
      return [
        at(
          source.spanOf(path),
          'PLAN_INVALID_VALUE',
          `${label(path)}: expected ${describeExpected(issue)}, got ${describeValue(issue.input)}${where}`,
        ),
      ];
    default:
      return [at(source.spanOf(path), 'PLAN_INVALID_VALUE', `${label(path)}: ${issue.message}${where}`)];
  }
}

/** A union failed: if one branch matched the shape, report its errors; else list the expected shapes. */
function unionDiagnostics(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PathKey[],
  site: IssueSite,
): Diagnostic[] {
  const { source, data } = site;
  const branches = issue.errors.filter((b) => b.length > 0);
  const deep = branches.find((b) => b.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
  if (deep) return deep.flatMap((i) => issueToDiagnostics(i, path, site));
  const expected = [...new Set(branches.flatMap((b) => b.map(describeExpected)))].join(' or ');
  const input = branches[0]?.[0]?.input;
  return [
    {
      code: 'PLAN_WRONG_TYPE',
      severity: 'error',
      message: `${label(path)}: expected ${expected}, got ${describeValue(input)}${describePath(path, data)}`,
      file: source.file,
      ...source.spanOf(path),
    },
  ];
}

function describeExpected(issue: Issue): string {
  if (issue.code === 'invalid_type') return article(issue.expected);
  if (issue.code === 'invalid_format') {
    const pattern = 'pattern' in issue ? String(issue.pattern) : '';
    if (pattern.includes('(ms|s|m)')) return 'a duration such as "500ms", "30s" or "2m"';
    if (issue.format === 'url') return 'a URL such as "http://127.0.0.1:8000"';
    return pattern ? `a string matching ${pattern}` : `a valid ${issue.format}`;
  }
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v)).join(' or ');
  if (issue.code === 'too_small') {
    if (issue.origin === 'array')
      return `a list of at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
    if (issue.origin === 'string') return 'a non-empty string';
    return issue.inclusive === false
      ? `a number greater than ${String(issue.minimum)}`
      : `a value of at least ${String(issue.minimum)}`;
  }
  if (issue.code === 'too_big') return `a value of at most ${String(issue.maximum)}`;
  return issue.message;
}

/** The keys allowed in the object at `path`, read from the plan's JSON Schema. */
function knownKeys(schema: JsonSchema, path: readonly PathKey[]): string[] {
  const objectBranch = (n: JsonSchema | undefined) => objectBranchOf(schema, n);
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    node = objectBranch(node);
    if (!node) return [];
    if (typeof key === 'number') node = node.items as JsonSchema | undefined;
    else
      node = ((node.properties as Record<string, JsonSchema> | undefined)?.[key] ??
        (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined)) as
        | JsonSchema
        | undefined;
  }
  const obj = objectBranch(node);
  return obj?.properties ? Object.keys(obj.properties as object) : [];
}

/** The object schema at `node`, through `$ref`s into the root's `$defs` and `anyOf`/`oneOf` branches. */
function objectBranchOf(root: JsonSchema, node: JsonSchema | undefined, depth = 0): JsonSchema | undefined {
  if (!node || depth > 32) return undefined;
  const ref = typeof node.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1] : undefined;
  if (ref) return objectBranchOf(root, (root.$defs as Record<string, JsonSchema>)?.[ref], depth + 1);
  if (node.properties || node.items || node.additionalProperties) return node;
  const options = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  return options?.map((n) => objectBranchOf(root, n, depth + 1)).find((n) => n !== undefined);
}

function suggest(word: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates);
  return distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function suggestValue(input: unknown, values: readonly unknown[]): string | undefined {
  if (typeof input !== 'string') return undefined;
  const s = suggest(
    input,
    values.filter((v): v is string => typeof v === 'string'),
  );
  return s ? `did you mean "${s}"?` : undefined;
}

/** ` in step "login" of critical path "checkout"`, from the data at that path. */
export function describePath(path: readonly PathKey[], data: unknown): string {
  const parts: string[] = [];
  let node: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as PathKey;
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
    const name =
      node && typeof node === 'object' && 'name' in node
        ? String((node as { name: unknown }).name)
        : undefined;
    const parent = path[i - 1];
    if (parent === 'critical_paths' && typeof key === 'number')
      parts.unshift(`critical path ${name ? `"${name}"` : `#${key + 1}`}`);
    else if (parent === 'steps' && typeof key === 'number')
      parts.unshift(`step ${name ? `"${name}"` : `#${key + 1}`}`);
    else if (parent === 'checks' && typeof key === 'string') parts.unshift(`check "${key}"`);
  }
  const top = path[0];
  if (
    parts.length === 0 &&
    typeof top === 'string' &&
    ['service', 'checks', 'paths', 'record', 'release', 'secrets'].includes(top)
  )
    parts.push(`"${top}"`);
  return parts.length ? ` in ${parts.join(' of ')}` : '';
}

function label(path: readonly PathKey[]): string {
  const last = [...path].reverse().find((k) => typeof k === 'string');
  return last === undefined ? 'plan' : `"${String(last)}"`;
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
