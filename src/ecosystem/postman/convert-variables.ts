import { scriptSetNames } from '../../plan/script-names.js';
import { listReferences } from '../../plan/template.js';
import type { KeyValue } from './collection.js';
import type { Flat } from './convert.js';
import { withoutUserinfo } from './request.js';
import { VariableMap } from './variables.js';

/** Names the scripts set from a response (they are values of the run, not secrets to copy). */
export function capturedNames(requests: Flat[]): Set<string> {
  const names = new Set<string>();
  const setter =
    /(?:pm\.(?:environment|globals|collectionVariables|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*['"`]([^'"`]+)['"`]/g;
  for (const r of requests)
    for (const s of r.scripts) for (const m of s.lines.join('\n').matchAll(setter)) names.add(m[1] as string);
  return names;
}

export function planVariables(
  list: KeyValue[],
  captured: Set<string>,
  vars: VariableMap,
  sinks: { notes: string[]; secretValues: Map<string, string> },
): Record<string, string> {
  const { notes, secretValues } = sinks;
  const out: Record<string, string> = {};
  const marked = new Set<string>();
  for (const v of list.filter((kv) => !kv.disabled && kv.key)) {
    const looksSecret = VariableMap.looksSecret(v.key, v.type);
    if (looksSecret && !captured.has(v.key)) {
      const env = vars.markSecret(v.key);
      // Later files win, as in Newman (environment over collection over globals).
      if (v.value !== '') secretValues.set(env, v.value);
      if (!marked.has(v.key)) {
        notes.push(
          `variable ${v.key}: looks secret, so its value is not copied; set the environment variable ${env} (or the plan's secrets file)`,
        );
      }
      marked.add(v.key);
      delete out[vars.nameOf(v.key)];
      continue;
    }
    if (looksSecret && v.value !== '')
      notes.push(`variable ${v.key}: set by a script during the run; its saved value is not copied`);
    out[vars.nameOf(v.key)] = looksSecret ? '' : v.value;
  }
  for (const [k, value] of Object.entries(out)) out[k] = vars.rewrite(value, `variable ${k}`);
  return out;
}

/**
 * The variable most URLs start with (`{{baseUrl}}/...`): its value (when it is a URL) is the
 * service URL, and in the plan it stands for the service URL, whatever it is run against.
 */
export function baseOf(
  requests: Flat[],
  variables: Record<string, string>,
  vars: VariableMap,
): { variable?: string; url?: string } {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const m = /^\{\{\s*([^{}\s]+)\s*\}\}/.exec(r.item.request.url.raw);
    if (m) counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1);
  }
  const [variable, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!variable || (n ?? 0) * 2 < requests.length) return {};
  const name = vars.nameOf(variable);
  const value = variables[name];
  variables[name] = '{{ service.url }}';
  const url =
    typeof value === 'string' && /^https?:\/\/[^{}\s]+$/.test(value) ? value.replace(/\/+$/, '') : undefined;
  return url ? { variable, url } : { variable };
}

/** The origin (`http://127.0.0.1:8000`) at least half of the absolute URLs share. */
export function commonOrigin(requests: Flat[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const m = /^(https?:\/\/[^/{}?#\s]+)/.exec(withoutUserinfo(r.item.request.url.raw));
    if (m) counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1);
  }
  const [origin, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  return origin && (n ?? 0) * 2 >= requests.length ? origin : undefined;
}

/** A variable the requests use, set nowhere, that looks secret (`{{PASSWORD}}`) is a secret of the plan. */
export function markUnsetSecrets(
  requests: Flat[],
  declared: KeyValue[],
  captured: Set<string>,
  vars: VariableMap,
  notes: string[],
): void {
  const known = new Set([...declared.map((v) => v.key), ...captured]);
  const used = new Set<string>();
  for (const r of requests)
    for (const m of JSON.stringify(r.item.request).matchAll(/\{\{\s*([^{}\s$][^{}\s]*)\s*\}\}/g))
      used.add(m[1] as string);
  for (const name of used) {
    if (known.has(name) || !VariableMap.looksSecret(name)) continue;
    const env = vars.markSecret(name);
    notes.push(
      `variable ${name}: used but set nowhere, and looks secret: set the environment variable ${env} (or the plan's secrets file)`,
    );
  }
}

/**
 * Variables a request uses before anything set them (in collection order) get a TODO value:
 * Newman would send them unresolved.
 */
export function addUnsetVariables(steps: Record<string, unknown>[], variables: Record<string, string>): void {
  const known = new Set(Object.keys(variables));
  for (const step of steps) {
    const script = step.script as string | { prerequest?: string; test?: string } | undefined;
    const test = typeof script === 'string' ? script : script?.test;
    const pre = typeof script === 'object' ? script.prerequest : undefined;
    for (const name of Object.keys((step.set as Record<string, unknown>) ?? {})) known.add(name);
    if (pre) for (const name of scriptSetNames(pre)) known.add(name);
    for (const ref of listReferences([step.request, step.assertions, step.expect])) {
      if (ref.includes('.') || known.has(ref)) continue;
      variables[ref] =
        `TODO: a value for ${ref} (not set in the collection, its environment or its globals before this request; or --var ${ref}=...)`;
      known.add(ref);
    }
    for (const name of Object.keys((step.capture as Record<string, unknown>) ?? {})) known.add(name);
    if (test) for (const name of scriptSetNames(test)) known.add(name);
  }
}
