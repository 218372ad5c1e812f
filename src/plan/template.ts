/**
 * Templating of plan values: `{{ env.X }}`, `{{ secrets.X }}`,  `{{ run.id }}`, `{{ run.dir }}`,
 * `{{ service.url }}` and plain names (plan variables, path variables, captured values).
 * A string that is exactly one template keeps the value's type (a captured number stays a number).
 * `{{ env.X ?? 'fallback' }}` uses the quoted fallback (itself templated) when X is not set.
 */
import type { Redactor } from '../report/redact.js';

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}$/;
const FALLBACK = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\?\?\s*'([^']*)'\s*\}\}/g;

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
  /** Secrets and secret captures are registered here when they are used. */
  redactor: Redactor;
}

/** Every template reference in a value (deep), e.g. `env.X`, `token`. */
export function listReferences(value: unknown): string[] {
  const out: string[] = [];
  walkStrings(value, (s) => {
    for (const m of s.matchAll(TEMPLATE)) out.push(m[1] as string);
  });
  return out;
}

/** Render every template in a value (deep copy). Throws TemplateError on an unknown name. */
export function renderTemplate<T>(value: T, scope: TemplateScope): T {
  return renderValue(value, scope) as T;
}

function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, scope);
    return out;
  }
  return value;
}

/** Render one string; a whole-string template returns the raw value. */
export function renderString(text: string, scope: TemplateScope): unknown {
  if (text.includes('??')) return renderFallbacks(text, scope);
  const whole = WHOLE.exec(text);
  if (whole) return resolve(whole[1] as string, scope);
  if (!text.includes('{{')) return text;
  return text.replace(TEMPLATE, (_, ref: string) => {
    const v = resolve(ref, scope);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** `{{ ref ?? 'fallback' }}`: the reference when it is set, else the rendered fallback. */
function renderFallbacks(text: string, scope: TemplateScope): unknown {
  const pick = (ref: string, fallback: string): unknown => {
    try {
      return resolve(ref, scope);
    } catch (error) {
      if (!(error instanceof TemplateError) || error.code === 'TEMPLATE_UNKNOWN_VARIABLE') throw error;
      return renderString(fallback, scope);
    }
  };
  FALLBACK.lastIndex = 0;
  const whole = FALLBACK.exec(text);
  if (whole && whole.index === 0 && whole[0].length === text.length)
    return pick(whole[1] as string, whole[2] as string);
  const rest = text.replace(FALLBACK, (_, ref: string, fallback: string) => {
    const v = pick(ref, fallback);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  return rest.includes('{{') ? renderString(rest, scope) : rest;
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

function walkStrings(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walkStrings(v, visit);
}
