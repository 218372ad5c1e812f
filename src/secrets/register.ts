/**
 * The secret registry, filled before anything starts: every `{{ secrets.NAME }}` the plan
 * references anywhere, every `{{ env.NAME }}` under a secret-looking name, the values of
 * secret-named variables and environment entries, and the credentials of every URL the plan
 * or the command line gives. A service that prints its environment while it starts, before
 * the step that uses a secret, cannot show it: the secret was known before the service ran.
 */
import { listReferences, renderString, type TemplateScope } from '../plan/template.js';
import { isSecretName } from './names.js';
import type { Redactor } from './redactor.js';
import { urlCredentials } from './url.js';

/** Where the registry looks secrets up. */
export interface SecretSources {
  env: Record<string, string | undefined>;
  /** `{{ secrets.NAME }}`: the environment, then the plan's secrets file. */
  secret: (name: string) => string | undefined;
  /** URLs from the command line (`--base-url`). */
  urls?: string[];
  /** `{{ run.id }}` and `{{ run.dir }}` of this run. */
  run: { id: string; dir: string };
}

/** Register every secret the plan can reach; returns how many values were added. */
export function registerPlanSecrets(plan: unknown, sources: SecretSources, redactor: Redactor): number {
  const before = redactor.size;
  const add = (value: string | undefined): void => {
    if (value === undefined) return;
    redactor.add(value);
    for (const part of urlCredentials(value)) redactor.add(part);
  };
  for (const ref of new Set(listReferences(plan))) {
    const [head, name] = ref.split('.');
    if (name === undefined) continue;
    if (head === 'secrets') add(sources.secret(name));
    // An env value is a secret under a secret-looking name; any URL's credentials are.
    else if (head === 'env') {
      const value = sources.env[name];
      if (isSecretName(name)) add(value);
      else for (const part of urlCredentials(value ?? '')) redactor.add(part);
    }
  }
  walkStrings(plan, (text) => {
    for (const part of urlCredentials(text)) redactor.add(part);
  });
  for (const map of namedValues(plan)) {
    for (const [key, value] of Object.entries(map)) {
      if (typeof value === 'string' && isSecretName(key)) add(renderQuietly(value, sources, redactor));
      else if (typeof value === 'number' && isSecretName(key)) add(String(value));
    }
  }
  for (const url of sources.urls ?? []) for (const part of urlCredentials(url)) redactor.add(part);
  return redactor.size - before;
}

/** A plan value with its templates filled in where they can be (a value that cannot is skipped). */
function renderQuietly(value: string, sources: SecretSources, redactor: Redactor): string | undefined {
  if (!value.includes('{{')) return value;
  // A capture, a variable or the service URL is not known yet: registered when rendered.
  if (listReferences(value).some((ref) => !/^(env|secrets|run)\./.test(ref))) return undefined;
  const scope: TemplateScope = {
    env: sources.env,
    secret: sources.secret,
    run: sources.run,
    service: { url: '' },
    vars: new Map(),
    redactor,
  };
  try {
    const rendered = renderString(value, scope);
    return typeof rendered === 'string' ? rendered : undefined;
  } catch {
    // An unset variable or secret: nothing to hide.
    return undefined;
  }
}

/**
 * The maps whose keys name their values: variables (the plan's, each path's) and environments
 * (the service's, staging's, each command check's, the migrations' and the seed's). Elsewhere
 * a key such as `"$.token"` is a JSONPath, not the name of a secret.
 */
function namedValues(plan: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const push = (value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      out.push(value as Record<string, unknown>);
  };
  push(at(plan, 'variables'));
  const paths = at(plan, 'critical_paths');
  for (const path of Array.isArray(paths) ? paths : []) push(at(path, 'variables'));
  push(at(plan, 'service', 'env'));
  push(at(plan, 'staging', 'env'));
  for (const check of Object.values((at(plan, 'checks') ?? {}) as object)) push(at(check, 'env'));
  push(at(plan, 'database', 'migrations', 'env'));
  push(at(plan, 'database', 'seed', 'env'));
  return out;
}

/** The value at `keys` inside `value`, or undefined. */
function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every string of a value, deep. */
function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) walkStrings(item, visit);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) walkStrings(v, visit);
}
