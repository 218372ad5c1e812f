/**
 * A session for one user of the cache-leak probe: the plan's `cache.session` steps run
 * with `{{ cache_user }}` unique to the user and the run, then `cache.headers` and the
 * marker are rendered with what the steps captured. Cookies the steps received are kept.
 */
import { randomBytes } from 'node:crypto';
import { PathCookies } from '../../http/cookies.js';
import { DEFAULT_BODY_LIMIT } from '../../http/run-path.js';
import { runStep, type StepContext } from '../../http/run-step.js';
import type { CacheConfig } from '../../plan/schema.js';
import { renderString, renderTemplate, type TemplateScope } from '../../plan/template.js';
import { isSecretHeader } from '../../secrets/names.js';
import type { StepResult } from '../paths/result.js';
import { type CacheClient, type Identity, ProbeError } from './exchange.js';

/** What the probe knows of a user after the session steps ran. */
export interface UserSession {
  identity: Identity;
  /** A value that only this user's private pages contain. */
  marker: string;
}

/** The default marker: the user's unique name, which the session steps should put in the account. */
const DEFAULT_MARKER = '{{ cache_user }}';

/** Run the session steps for user `a` or `b` and return its identity; throws ProbeError. */
export async function openSession(
  user: 'a' | 'b',
  spec: CacheConfig,
  options: { client: CacheClient; scope: TemplateScope },
): Promise<UserSession> {
  const name = user === 'a' ? 'user A' : 'user B';
  const scope: TemplateScope = { ...options.scope, vars: new Map(options.scope.vars) };
  for (const [key, value] of Object.entries(spec.session?.variables ?? {})) scope.vars.set(key, value);
  scope.vars.set('cache_user', `preflight-${randomBytes(4).toString('hex')}-${user}`);
  const cookies = new PathCookies();
  const ctx: StepContext = {
    baseUrl: options.client.baseUrl,
    scope,
    cookies,
    dispatcher: options.client.dispatcher,
    defaultTimeout: spec.timeout ?? '10s',
    bodyLimit: DEFAULT_BODY_LIMIT,
    signal: options.client.signal,
  };
  for (const step of spec.session?.steps ?? []) {
    const outcome = await runStep(step, ctx);
    const result = outcome.complete?.() ?? outcome.result;
    const captured = outcome.captured;
    if (result.status === 'skip') throw new ProbeError('RUN_CANCELLED', 'run cancelled');
    if (result.status !== 'pass') {
      throw new ProbeError(
        'CACHE_SESSION_FAILED',
        `cache.session for ${name} failed at step "${step.name}": ${stepProblem(result)}`,
      );
    }
    for (const [key, value] of captured) scope.vars.set(key, value);
  }
  const headers = render(spec.headers ?? {}, scope, 'cache.headers');
  for (const [header, value] of Object.entries(headers)) {
    if (isSecretHeader(header)) scope.redactor.add(value.replace(/^(Bearer|Basic|Token)\s+/i, ''));
  }
  return { identity: { name, headers, cookies }, marker: renderMarker(spec, scope) };
}

function renderMarker(spec: CacheConfig, scope: TemplateScope): string {
  const marker = spec.marker ?? DEFAULT_MARKER;
  const template = typeof marker === 'string' ? marker : marker.value;
  const value = String(render(template, scope, 'cache.marker'));
  if (typeof marker === 'object' && marker.secret) scope.redactor.add(value);
  return value;
}

function render<T>(value: T, scope: TemplateScope, where: string): T {
  try {
    return typeof value === 'string'
      ? (String(renderString(value, scope)) as T)
      : renderTemplate(value, scope);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    throw new ProbeError(e.code ?? 'TEMPLATE_ERROR', `${where}: ${e.message ?? String(error)}`);
  }
}

function stepProblem(result: StepResult): string {
  if (result.error) return result.error.message;
  const failures = result.failures ?? [];
  if (failures.length > 0) return failures.map((f) => f.message).join('; ');
  return result.status;
}
