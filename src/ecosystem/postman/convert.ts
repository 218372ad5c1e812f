/**
 * A Postman collection as a plan, with Newman's semantics: one critical path that runs every
 * request in collection order (folders flattened, variables shared across them), going on
 * after a failed request (`on_failure: continue`). Globals, collection and environment
 * variables become plan variables (environment over collection over globals, as Newman
 * resolves them; secret-looking ones become `{{ secrets.NAME }}`). Each request's scripts
 * (the collection's and its folders' included) become named assertions, captures and `set`;
 * what has no declarative equivalent stays as the step's `script`, run in the sandbox.
 */
import { HttpMethod } from '../../plan/schema.js';
import { listReferences } from '../../plan/template.js';
import {
  CollectionError,
  type KeyValue,
  type PostmanAuth,
  type PostmanCollection,
  type PostmanItem,
  type PostmanScript,
} from './collection.js';
import {
  addUnsetVariables,
  baseOf,
  capturedNames,
  commonOrigin,
  markUnsetSecrets,
  planVariables,
} from './convert-variables.js';
import {
  type ConvertedScript,
  convertScript,
  emptyConversion,
  type ScriptContext,
} from './js/convert-script.js';
import { convertRequest, SecretSink } from './request.js';
import { VariableMap } from './variables.js';

/** What a request's scripts became, for the import report. */
export interface RequestReport {
  step: string;
  assertions: number;
  converted: number;
  /** The kept statements, with why they have no declarative equivalent. */
  kept: { listen: string; line: number; code: string; why: string }[];
  notes: string[];
}

/** The plan (as data) and what the import report says. */
export interface ImportResult {
  plan: Record<string, unknown>;
  /** Notes about the collection as a whole (variables, secrets, requests left out). */
  notes: string[];
  requests: RequestReport[];
  totals: { requests: number; assertions: number; converted: number; kept: number };
  /** The plan variable that holds the base URL (`--var NAME=URL`), if any. */
  baseVariable: string | undefined;
  /** Literal credentials taken out of the collection (secret name -> value); never written. */
  secrets: Map<string, string>;
  /** Every secret the plan needs: those above and the secret-looking variables. */
  secretNames: string[];
  /** Values the collection, environment or globals files gave secret-looking variables; never written. */
  secretValues: Map<string, string>;
}

/** The variable files a collection runs with. */
export interface CollectionInputs {
  environment?: KeyValue[];
  globals?: KeyValue[];
}

const TODO = {
  owner: 'TODO: who answers for this path at launch',
  expect: 'TODO: the expected result, in words',
  rollback: 'TODO: how to roll back if this path breaks after launch',
};

type RequestItem = Extract<PostmanItem, { kind: 'request' }>;

/** A request with everything it inherits from its folders and the collection. */
export interface Flat {
  name: string;
  item: RequestItem;
  auth: PostmanAuth | undefined;
  scripts: PostmanScript[];
}

/** Convert a collection (with its environment's and globals' values) into a plan. */
export function convertCollection(
  collection: PostmanCollection,
  inputs: CollectionInputs = {},
): ImportResult {
  const notes: string[] = [];
  const vars = new VariableMap(notes);
  const secrets = new SecretSink();
  const requests = flatten(collection, notes);
  if (requests.length === 0)
    throw new CollectionError(
      `the collection has no request preflight can send${notes.length ? ` (${notes.join('; ')})` : ''}`,
    );
  const captured = capturedNames(requests);
  const declared = [...(inputs.globals ?? []), ...collection.variables, ...(inputs.environment ?? [])];
  const secretValues = new Map<string, string>();
  const variables = planVariables(declared, captured, vars, { notes, secretValues });
  markUnsetSecrets(requests, declared, captured, vars, notes);
  const base = baseOf(requests, variables, vars);
  // A variable a file sets has that value first (often text): parseInt of it is not the same.
  const fileSet = new Set(declared.map((v) => v.key));
  const origin = base.variable ? undefined : commonOrigin(requests);
  const reports: RequestReport[] = [];
  const names = new Set<string>();
  const steps = requests.map((r) => {
    const report: RequestReport = {
      step: uniqueName(r.name, names),
      assertions: 0,
      converted: 0,
      kept: [],
      notes: [],
    };
    reports.push(report);
    const step = convertStep(r, report, { vars, secrets, baseVariable: base.variable, origin });
    for (const name of fileSet) vars.fromJson.delete(name);
    return step;
  });
  addUnsetVariables(steps, variables);
  const plan: Record<string, unknown> = {
    version: 1,
    service: service(collection, base.url ?? origin, steps),
  };
  if (Object.keys(variables).length > 0) plan.variables = variables;
  const path: Record<string, unknown> = { name: collection.name, ...TODO, on_failure: 'continue', steps };
  plan.critical_paths = [path];
  plan.record = { dir: 'launches/' };
  const totals = {
    requests: steps.length,
    assertions: reports.reduce((n, r) => n + r.assertions, 0),
    converted: reports.reduce((n, r) => n + r.converted, 0),
    kept: 0,
  };
  totals.kept = totals.assertions - totals.converted;
  return {
    plan,
    notes,
    requests: reports,
    totals,
    baseVariable: base.variable ? vars.nameOf(base.variable) : undefined,
    secrets: secrets.values,
    secretNames: [...new Set([...vars.secretNames(), ...secrets.values.keys()])],
    secretValues,
  };
}

interface StepContext {
  vars: VariableMap;
  secrets: SecretSink;
  baseVariable: string | undefined;
  origin: string | undefined;
}

function convertStep(r: Flat, report: RequestReport, ctx: StepContext): Record<string, unknown> {
  const note = (what: string): void => void report.notes.push(what);
  const request = convertRequest(r.item.request, { ...ctx, auth: r.auth, where: report.step, note });
  const script = { vars: ctx.vars, requestRaw: fixedRawBody(r.item.request) };
  const pre = convertAll(r.scripts, 'prerequest', script);
  const test = convertAll(r.scripts, 'test', script);
  const step: Record<string, unknown> = { name: report.step };
  if (Object.keys(pre.set).length > 0) step.set = pre.set;
  step.request = request;
  const expect = { ...pre.expect, ...test.expect };
  if (Object.keys(expect).length > 0) step.expect = expect;
  const assertions = [...pre.assertions, ...test.assertions];
  if (assertions.length > 0) step.assertions = assertions;
  if (Object.keys(test.capture).length > 0) step.capture = test.capture;
  const kept: Record<string, string> = {};
  if (pre.kept) kept.prerequest = pre.kept;
  if (test.kept) kept.test = test.kept;
  if (Object.keys(kept).length > 0)
    step.script = Object.keys(kept).length === 1 && kept.test ? kept.test : kept;
  // A DELETE of something a step captured cleans up after the collection: it runs even when
  // the plan is switched to on_failure: stop.
  if (r.item.request.method === 'DELETE' && listReferences(request).length > 0) step.always = true;
  report.assertions = pre.counts.assertions + test.counts.assertions;
  report.converted = pre.counts.converted + test.counts.converted;
  for (const [listen, c] of [
    ['prerequest', pre],
    ['test', test],
  ] as const) {
    for (const k of c.reasons) report.kept.push({ listen, ...k });
    for (const i of c.ignored) note(`${listen} script: ${i} is not done`);
    for (const n of c.notes) note(`${listen} script: ${n}`);
  }
  return step;
}

/** The request's raw body when scripts can read it as it is sent: fixed text, no `{{variable}}`. */
function fixedRawBody(request: RequestItem['request']): string | undefined {
  const raw = request.body?.mode === 'raw' ? request.body.raw : undefined;
  return raw !== undefined && !raw.includes('{{') ? raw : undefined;
}

/** Every script of one kind that runs around a request (collection, folders, request), converted. */
function convertAll(
  scripts: PostmanScript[],
  listen: 'test' | 'prerequest',
  context: ScriptContext,
): ConvertedScript {
  const parts = scripts
    .filter((s) => s.listen === listen && s.lines.join('\n').trim() !== '')
    .map((s) => convertScript(s.lines.join('\n'), listen, context));
  const out = emptyConversion();
  const kept: string[] = [];
  for (const p of parts) {
    Object.assign(out.expect, p.expect);
    out.assertions.push(...p.assertions);
    Object.assign(out.capture, p.capture);
    Object.assign(out.set, p.set);
    if (p.kept) kept.push(p.kept);
    out.counts.assertions += p.counts.assertions;
    out.counts.converted += p.counts.converted;
    out.reasons.push(...p.reasons);
    out.ignored.push(...p.ignored);
    out.notes.push(...p.notes);
  }
  // Each script has its own scope in Postman: several kept ones are kept as blocks.
  if (kept.length === 1) out.kept = kept[0];
  else if (kept.length > 1) out.kept = kept.map((k) => `{\n${indent(k)}}\n`).join('');
  return out;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : `  ${l}`))
    .join('\n');
}

/** Requests in collection order, with their inherited auth and scripts. */
function flatten(collection: PostmanCollection, notes: string[]): Flat[] {
  const out: Flat[] = [];
  const walk = (
    items: PostmanItem[],
    prefix: string[],
    auth: PostmanAuth | undefined,
    scripts: PostmanScript[],
  ): void => {
    for (const item of items) {
      if (item.kind === 'folder') {
        walk(item.items, [...prefix, item.name], inherit(item.auth, auth), [...scripts, ...item.scripts]);
        continue;
      }
      const name = [...prefix, item.name].join(' › ');
      if (!hasUrl(item, name, notes)) continue;
      out.push({
        name,
        item,
        auth: inherit(item.request.auth, auth),
        scripts: [...scripts, ...item.scripts],
      });
    }
  };
  walk(collection.items, [], collection.auth, collection.scripts);
  return out;
}

function inherit(own: PostmanAuth | undefined, parent: PostmanAuth | undefined): PostmanAuth | undefined {
  return !own || own.type === 'inherit' ? parent : own;
}

/** A request saved without a URL, or with a method plans do not have, is left out with a note. */
function hasUrl(item: RequestItem, where: string, notes: string[]): boolean {
  const methods: readonly string[] = HttpMethod.options;
  const why =
    item.request.url.raw.trim() === ''
      ? 'it has no URL'
      : methods.includes(item.request.method)
        ? undefined
        : `its method ${JSON.stringify(item.request.method)} is not one of ${methods.join(', ')}`;
  if (why) notes.push(`request "${where}" is left out: ${why}`);
  return why === undefined;
}

function service(
  collection: PostmanCollection,
  url: string | undefined,
  steps: Record<string, unknown>[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: slug(collection.name),
    owner: 'TODO: the team that owns the service',
  };
  if (url) out.url = url;
  const ready = readyRequest(steps);
  if (ready) out.ready = `GET ${ready}`;
  return out;
}

/**
 * A GET that needs no credentials and no variable and looks like a health check. None: no
 * `ready` (any HTTP answer below 500 means up), as Newman checks nothing before it starts; a
 * broken service then fails its requests (NO-GO) instead of never becoming ready.
 */
function readyRequest(steps: Record<string, unknown>[]): string | undefined {
  return steps
    .map((s) => s.request as { method?: string; url: string; headers?: Record<string, string> })
    .filter((r) => !r.method && /^\/\S*$/.test(r.url) && listReferences(r).length === 0)
    .filter(
      (r) => !Object.keys(r.headers ?? {}).some((h) => /^(authorization|cookie|x-api-key|api-key)$/i.test(h)),
    )
    .map((r) => r.url)
    .find((u) => /health|ping|status|ready|live/i.test(u));
}

function uniqueName(full: string, names: Set<string>): string {
  let name = full;
  for (let n = 2; names.has(name); n++) name = `${full} (${n})`;
  names.add(name);
  return name;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'service'
  );
}
