/**
 * A Postman collection as a plan: top-level folders become critical paths (nested folders
 * are flattened into them), requests become steps, collection and environment variables
 * become plan variables (secret-looking ones become `{{ secrets.NAME }}`), and the base URL
 * variable becomes the service URL. Every script line that was not converted is a note.
 */
import { HttpMethod } from '../../plan/schema.js';
import { listReferences } from '../../plan/template.js';
import type { KeyValue, PostmanAuth, PostmanCollection, PostmanItem, PostmanScript } from './collection.js';
import { convertRequest } from './request.js';
import { convertTestScript } from './script.js';
import { referencedNames, VariableMap } from './variables.js';

/** The plan (as data) and what was not converted, one line each. */
export interface ImportResult {
  plan: Record<string, unknown>;
  notes: string[];
  /** The plan variable that holds the base URL (`--var NAME=URL` on `preflight run`). */
  baseVariable: string | undefined;
}

const TODO = {
  owner: 'TODO: who answers for this path at launch',
  expect: 'TODO: the expected result, in words',
  rollback: 'TODO: how to roll back if this path breaks after launch',
};

interface Flat {
  name: string;
  item: Extract<PostmanItem, { kind: 'request' }>;
  auth: PostmanAuth | undefined;
}

/** Convert a collection (with an environment's values) into a plan. */
export function convertCollection(collection: PostmanCollection, environment: KeyValue[] = []): ImportResult {
  const notes: string[] = [];
  const vars = new VariableMap(notes);
  const groups = groupRequests(collection, notes);
  const captured = capturedNames(groups.flatMap((g) => g.requests));
  const variables = planVariables([...collection.variables, ...environment], captured, vars, notes);
  const base = baseVariable(
    groups.flatMap((g) => g.requests),
    variables,
    vars,
  );
  const paths = groups.map((g) => criticalPath(g.name, g.requests, { vars, base, notes, variables }));
  const service: Record<string, unknown> = {
    name: slug(collection.name),
    owner: 'TODO: the team that owns the service',
  };
  const baseValue = base ? variables[vars.nameOf(base)] : undefined;
  if (typeof baseValue === 'string' && /^https?:\/\/[^{}\s]+$/.test(baseValue))
    service.url = baseValue.replace(/\/+$/, '');
  else service.start = 'TODO: the command that starts the service on {port} (or run with --base-url URL)';
  service.ready = `GET ${readyPath(paths)}`;
  const plan: Record<string, unknown> = { version: 1, service };
  if (Object.keys(variables).length > 0) plan.variables = variables;
  plan.critical_paths = paths;
  plan.record = { dir: 'launches/' };
  return { plan, notes, baseVariable: base ? vars.nameOf(base) : undefined };
}

/** Critical paths by top-level folder; requests outside folders form a path of their own. */
function groupRequests(collection: PostmanCollection, notes: string[]): { name: string; requests: Flat[] }[] {
  noteScripts(collection.scripts, `collection "${collection.name}"`, notes);
  const loose: Flat[] = [];
  const groups: { name: string; requests: Flat[] }[] = [];
  for (const item of collection.items) {
    if (item.kind === 'request') {
      if (hasUrl(item, item.name, notes))
        loose.push({ name: item.name, item, auth: item.request.auth ?? collection.auth });
    } else groups.push({ name: item.name, requests: flatten(item, [], item.auth ?? collection.auth, notes) });
  }
  if (loose.length > 0) groups.unshift({ name: collection.name, requests: loose });
  const kept = groups.filter((g) => g.requests.length > 0);
  // Critical path names are unique in a plan: two folders of the same name become "name" and "name (2)".
  const seen = new Map<string, number>();
  for (const group of kept) {
    const count = (seen.get(group.name) ?? 0) + 1;
    seen.set(group.name, count);
    if (count > 1) group.name = `${group.name} (${count})`;
  }
  return kept;
}

function flatten(
  folder: Extract<PostmanItem, { kind: 'folder' }>,
  prefix: string[],
  auth: PostmanAuth | undefined,
  notes: string[],
): Flat[] {
  noteScripts(folder.scripts, `folder "${[...prefix, folder.name].join(' › ')}"`, notes);
  return folder.items.flatMap((item) => {
    if (item.kind === 'folder') return flatten(item, [...prefix, item.name], item.auth ?? auth, notes);
    const name = [...prefix, folder.name, item.name].join(' › ');
    if (!hasUrl(item, name, notes)) return [];
    return [{ name: [...prefix, item.name].join(' › '), item, auth: item.request.auth ?? auth }];
  });
}

/** A request saved without a URL, or with a method plans do not have, is left out with a note. */
function hasUrl(item: Extract<PostmanItem, { kind: 'request' }>, where: string, notes: string[]): boolean {
  const methods: readonly string[] = HttpMethod.options;
  const why =
    item.request.url.raw.trim() === ''
      ? 'it has no URL'
      : methods.includes(item.request.method)
        ? undefined
        : `its method ${JSON.stringify(item.request.method)} is not one of ${methods.join(', ')}`;
  if (why) notes.push(`request "${where}": not converted, ${why}`);
  return why === undefined;
}

/** Folder- and collection-level scripts run around every request: listed, not converted. */
function noteScripts(scripts: PostmanScript[], where: string, notes: string[]): void {
  for (const script of scripts) {
    script.lines.forEach((line, i) => {
      if (isCode(line))
        notes.push(
          `${where} [${script.listen} script, line ${i + 1}]: ${line.trim()} — scripts of a folder or collection are not converted`,
        );
    });
  }
}

function capturedNames(requests: Flat[]): Set<string> {
  const names = new Set<string>();
  for (const r of requests)
    for (const script of r.item.scripts)
      for (const line of script.lines)
        for (const m of line.matchAll(
          /pm\.(?:environment|globals|collectionVariables|variables)\.set\(\s*['"]([^'"]+)['"]/g,
        ))
          names.add(m[1] as string);
  return names;
}

function planVariables(
  list: KeyValue[],
  captured: Set<string>,
  vars: VariableMap,
  notes: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const secret = new Set<string>();
  for (const v of list.filter((kv) => !kv.disabled && kv.key)) {
    if (VariableMap.looksSecret(v.key, v.type) && !captured.has(v.key)) {
      if (!secret.has(v.key)) {
        const env = vars.markSecret(v.key);
        notes.push(
          `variable ${v.key}: looks secret, so its value is not copied; set the environment variable ${env} (or the plan's secrets file)`,
        );
      }
      secret.add(v.key);
      delete out[vars.nameOf(v.key)];
      continue;
    }
    out[vars.nameOf(v.key)] = v.value;
  }
  for (const [k, value] of Object.entries(out)) out[k] = vars.rewrite(value, `variable ${k}`);
  return out;
}

/** The variable most URLs start with (`{{baseUrl}}/...`). */
function baseVariable(
  requests: Flat[],
  variables: Record<string, string>,
  vars: VariableMap,
): string | undefined {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const m = /^\{\{\s*([^{}\s]+)\s*\}\}/.exec(r.item.request.url.raw);
    if (m && vars.nameOf(m[1] as string) in variables)
      counts.set(m[1] as string, (counts.get(m[1] as string) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

interface PathContext {
  vars: VariableMap;
  base: string | undefined;
  notes: string[];
  variables: Record<string, string>;
}

function criticalPath(name: string, requests: Flat[], ctx: PathContext): Record<string, unknown> {
  const known = new Set(Object.keys(ctx.variables));
  const missing: Record<string, string> = {};
  const names = new Set<string>();
  const steps = requests.map((r) => {
    const where = `${name} › ${r.item.name}`;
    const note = (what: string): void => void ctx.notes.push(`${where}: ${what}`);
    const step: Record<string, unknown> = { name: uniqueName(r.name, names) };
    step.request = convertRequest(r.item.request, {
      vars: ctx.vars,
      baseVariable: ctx.base,
      auth: r.auth,
      where,
      note,
    });
    for (const ref of listReferences(step.request)) {
      if (!ref.includes('.') && !known.has(ref)) {
        missing[ref] = `TODO: a value for ${ref} (not set before this step in this critical path)`;
        known.add(ref);
      }
    }
    const test = convertScripts(r.item.scripts, where, ctx);
    if (Object.keys(test.expect).length > 0) step.expect = test.expect;
    if (Object.keys(test.capture).length > 0) step.capture = test.capture;
    for (const captured of Object.keys(test.capture)) known.add(captured);
    return step;
  });
  const path: Record<string, unknown> = { name, ...TODO };
  if (Object.keys(missing).length > 0) path.variables = missing;
  path.steps = steps;
  return path;
}

function convertScripts(scripts: PostmanScript[], where: string, ctx: PathContext) {
  const tests = scripts.filter((s) => s.listen === 'test').flatMap((s) => s.lines);
  const result = convertTestScript(tests, ctx.vars);
  for (const u of result.unsupported)
    ctx.notes.push(`${where} [test script, line ${u.line}]: ${u.code} — ${u.why}`);
  for (const script of scripts.filter((s) => s.listen !== 'test')) {
    script.lines.forEach((line, i) => {
      if (isCode(line))
        ctx.notes.push(
          `${where} [${script.listen} script, line ${i + 1}]: ${line.trim()} — pre-request scripts are not converted`,
        );
    });
  }
  for (const ref of referencedNames(JSON.stringify(result.expect))) ctx.vars.nameOf(ref);
  return result;
}

function uniqueName(full: string, names: Set<string>): string {
  let name = full;
  for (let n = 2; names.has(name); n++) name = `${full} (${n})`;
  names.add(name);
  return name;
}

/** A GET whose relative URL looks like a health check, else the first plain relative GET, else `/`. */
function readyPath(paths: Record<string, unknown>[]): string {
  const gets = paths
    .flatMap((p) => p.steps as { request: { method?: string; url: string } }[])
    .filter((s) => !s.request.method && s.request.url.startsWith('/') && !s.request.url.includes('{{'))
    .map((s) => s.request.url);
  return gets.find((u) => /health|ping|status|ready|live/i.test(u)) ?? gets[0] ?? '/';
}

function isCode(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('//');
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'service'
  );
}
