/**
 * Templating of plan values: `{{ env.X }}`, `{{ secrets.X }}`,  `{{ run.id }}`, `{{ run.dir }}`,
 * `{{ service.url }}` and plain names (plan variables, path variables, captured values).
 * A string that is exactly one template keeps the value's type (a captured number stays a number).
 * `{{ env.X ?? 'fallback' }}` uses the quoted fallback (itself a template of the plan) when X is
 * not set.
 *
 * Each template is parsed once and rendered in one pass: a substituted value is data, never
 * parsed again. A service that answers `"{{ env.CI_TOKEN }}"` gets that text sent back, not
 * the variable; a literal `??` or `{{` in a value or in the plan is text.
 */
import { stringifyJson } from '../json/lossless.js';
import type { Redactor } from '../secrets/redactor.js';

const REF = '[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?';
/** One template at the current position: a reference, and optionally `?? 'fallback'`. */
const TOKEN = new RegExp(`\\{\\{\\s*(${REF})\\s*(?:\\?\\?\\s*'([^']*)'\\s*)?\\}\\}`, 'y');
/** Inside a fallback: references only (a fallback has no fallback of its own). */
const INNER_TOKEN = new RegExp(`\\{\\{\\s*(${REF})\\s*\\}\\}`, 'y');

export class TemplateError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TemplateError';
    this.code = code;
  }
}

export interface TemplateScope {
  env: Record<string, string | undefined>;
  /** Looks up a secret; returns undefined when it is not set. */
  secret: (name: string) => string | undefined;
  run: { id: string; dir: string };
  service: { url: string };
  vars: Map<string, unknown>;
  /** Secrets and secret captures are registered here (again) when they are used. */
  redactor: Redactor;
}

/** Options of a rendering. */
export interface RenderOptions {
  /**
   * `{name}` placeholders (`{port}`, `{junit}`) replaced in the plan's own text only, never
   * inside a substituted value.
   */
  placeholders?: Record<string, string>;
}

/** A parsed template: literal text and references. */
type Segment = { text: string } | { ref: string; fallback?: Segment[] };

const parsed = new Map<string, Segment[]>();
const MAX_CACHED = 10_000;

/** Parse a template (cached: plan strings are rendered again and again under load). */
function parseTemplate(text: string): Segment[] {
  let segments = parsed.get(text);
  if (!segments) {
    segments = scan(text, TOKEN);
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(text, segments);
  }
  return segments;
}

function scan(text: string, token: RegExp): Segment[] {
  const out: Segment[] = [];
  let literal = '';
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) break;
    token.lastIndex = open;
    const m = token.exec(text);
    if (!m) {
      // Not a template here (`{{{`, `{{ a b }}`): one character of text, and look again.
      literal += text.slice(at, open + 1);
      at = open + 1;
      continue;
    }
    literal += text.slice(at, open);
    if (literal) out.push({ text: literal });
    literal = '';
    const fallback = m[2];
    out.push(
      fallback === undefined
        ? { ref: m[1] as string }
        : { ref: m[1] as string, fallback: scan(fallback, INNER_TOKEN) },
    );
    at = open + m[0].length;
  }
  literal += text.slice(at);
  if (literal) out.push({ text: literal });
  return out;
}

/** Every template reference in a value (deep), e.g. `env.X`, `token`, fallbacks' included. */
export function listReferences(value: unknown): string[] {
  const out: string[] = [];
  const collect = (segments: Segment[]): void => {
    for (const s of segments) {
      if ('ref' in s) {
        out.push(s.ref);
        if (s.fallback) collect(s.fallback);
      }
    }
  };
  walkStrings(value, (s) => {
    if (s.includes('{{')) collect(parseTemplate(s));
  });
  return out;
}

/** Render every template in a value (deep copy). Throws TemplateError on an unknown name. */
export function renderTemplate<T>(value: T, scope: TemplateScope, options: RenderOptions = {}): T {
  return renderValue(value, scope, options) as T;
}

function renderValue(value: unknown, scope: TemplateScope, options: RenderOptions): unknown {
  if (typeof value === 'string') return renderString(value, scope, options);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope, options));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, scope, options);
    return out;
  }
  return value;
}

/** Render one string; a whole-string template returns the raw value. */
export function renderString(text: string, scope: TemplateScope, options: RenderOptions = {}): unknown {
  if (!text.includes('{{')) return placeText(text, options);
  return renderSegments(parseTemplate(text), scope, options);
}

function renderSegments(segments: Segment[], scope: TemplateScope, options: RenderOptions): unknown {
  const [only] = segments;
  if (segments.length === 1 && only && 'ref' in only) return resolveSegment(only, scope, options);
  let out = '';
  for (const s of segments) {
    if ('text' in s) out += placeText(s.text, options);
    else out += asText(resolveSegment(s, scope, options));
  }
  return out;
}

/** `{{ ref ?? 'fallback' }}`: the reference when it is set, else the rendered fallback. */
function resolveSegment(
  segment: Extract<Segment, { ref: string }>,
  scope: TemplateScope,
  options: RenderOptions,
): unknown {
  if (!segment.fallback) return resolve(segment.ref, scope);
  try {
    return resolve(segment.ref, scope);
  } catch (error) {
    if (!(error instanceof TemplateError) || error.code === 'TEMPLATE_UNKNOWN_VARIABLE') throw error;
    return renderSegments(segment.fallback, scope, options);
  }
}

function placeText(text: string, options: RenderOptions): string {
  const placeholders = options.placeholders;
  if (!placeholders || !text.includes('{')) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(placeholders, name) ? (placeholders[name] as string) : whole,
  );
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (stringifyJson(value) ?? String(value));
}

function resolve(ref: string, scope: TemplateScope): unknown {
  const [head, name] = ref.split('.') as [string, string | undefined];
  if (name !== undefined) {
    if (head === 'env') {
      const v = scope.env[name];
      if (v === undefined)
        throw new TemplateError('TEMPLATE_MISSING_ENV', `environment variable ${name} is not set`);
      return v;
    }
    if (head === 'secrets') {
      const v = scope.secret(name);
      if (v === undefined)
        throw new TemplateError(
          'TEMPLATE_MISSING_SECRET',
          `secret ${name} is not set: export ${name}=... or put it in the plan's secrets file`,
        );
      scope.redactor.add(v);
      return v;
    }
    if (head === 'run' && name === 'id') return scope.run.id;
    if (head === 'run' && name === 'dir') return scope.run.dir;
    if (head === 'service' && name === 'url') return scope.service.url;
    throw new TemplateError('TEMPLATE_UNKNOWN_VARIABLE', `unknown template reference {{ ${ref} }}`);
  }
  if (scope.vars.has(head)) return scope.vars.get(head);
  throw new TemplateError(
    'TEMPLATE_UNKNOWN_VARIABLE',
    `{{ ${head} }} is not defined: no variable or earlier capture has that name`,
  );
}

/** One problem of a template as the plan wrote it, for `preflight validate`. */
export interface TemplateProblem {
  code: 'PLAN_TEMPLATE_FALLBACK';
  message: string;
  hint: string;
}

/**
 * What is wrong with the templates of one plan string: a `??` inside `{{ }}` that is not
 * `{{ env.NAME ?? 'text' }}` (or `secrets.NAME`), or a fallback on a name that is always set.
 */
export function templateProblems(text: string): TemplateProblem[] {
  if (!text.includes('{{') || !text.includes('??')) return [];
  const out: TemplateProblem[] = [];
  const hint = "write {{ env.NAME ?? 'text' }} (or secrets.NAME): one name, ??, a single-quoted text";
  for (const s of parseTemplate(text)) {
    if ('ref' in s && s.fallback) {
      const head = s.ref.split('.')[0];
      if ((head !== 'env' && head !== 'secrets') || !s.ref.includes('.'))
        out.push({
          code: 'PLAN_TEMPLATE_FALLBACK',
          message: `{{ ${s.ref} ?? '…' }}: a fallback applies only to env.NAME and secrets.NAME, which may be unset`,
          hint: `use {{ ${s.ref} }} alone, or a variable with a default value`,
        });
    }
    if ('text' in s) {
      // A `{{ … ?? … }}` the grammar did not take as a template would be sent as it is.
      for (const m of s.text.matchAll(/\{\{[^}]*\?\?[^}]*\}\}/g))
        out.push({
          code: 'PLAN_TEMPLATE_FALLBACK',
          message: `${m[0]} is not a template: it would be sent as written`,
          hint,
        });
    }
  }
  return out;
}

function walkStrings(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walkStrings(v, visit);
}
