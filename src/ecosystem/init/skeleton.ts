/**
 * The plan `init` writes: one critical path per tag (or first path segment) of the picked
 * operations, one step per operation with `schema: openapi`, ids captured from list
 * responses for detail requests, and TODO placeholders for what only people know.
 */
import { asRecord } from '../../openapi/operations.js';
import { requestBodySchema, resolveSchema, sampleValue, successStatus } from './doc-schema.js';
import { type Candidate, idSource } from './select.js';

/** The placeholders a person must replace; `validate` warns about each (PLAN_TODO). */
export const TODO = {
  owner: 'TODO: who answers for this path at launch',
  expect: 'TODO: the expected result, in words',
  rollback: 'TODO: how to roll back if this path breaks after launch',
  start: 'TODO: the command that starts the service on {port}',
} as const;

/** The service section of the plan. */
export interface ServiceSkeleton {
  name: string;
  start?: string;
  url?: string;
  ready?: string;
  openapi?: string;
}

/** How the per-operation paths are written. */
export interface SkeletonOptions {
  /** The plan has an `auth:` block: secured steps send its token, other paths say `auth: none`. */
  auth?: boolean;
}

type Json = Record<string, unknown>;

/** The plan (as plain data) for the picked operations. */
export function buildPlanSkeleton(
  doc: Json,
  picked: Candidate[],
  service: ServiceSkeleton,
  options: SkeletonOptions = {},
): Json {
  const groups = groupOperations(doc, picked);
  const criticalPaths = [...groups.entries()].map(([name, members]) =>
    criticalPath(doc, name, members, { picked, auth: options.auth === true }),
  );
  const svc: Json = { name: service.name, owner: 'TODO: the team that owns the service' };
  if (service.start) svc.start = service.start;
  else if (service.url) svc.url = service.url;
  else svc.start = TODO.start;
  if (service.ready) svc.ready = service.ready;
  if (service.openapi) svc.openapi = service.openapi;
  return { version: 1, service: svc, critical_paths: criticalPaths, record: { dir: 'launches/' } };
}

/** Operations by critical path: a detail request joins the path of the list it takes its id from. */
function groupOperations(doc: Json, picked: Candidate[]): Map<string, Candidate[]> {
  const groupOf = new Map<Candidate, string>();
  for (const c of picked) groupOf.set(c, groupName(c));
  for (const c of picked) {
    const source = c.pathParams.length === 1 ? idSource(doc, c, picked) : undefined;
    if (source) groupOf.set(c, groupOf.get(source.from) ?? groupName(c));
  }
  const groups = new Map<string, Candidate[]>();
  for (const c of picked) {
    const name = groupOf.get(c) as string;
    groups.set(name, [...(groups.get(name) ?? []), c]);
  }
  // Requests without path parameters first, so captures come before their use.
  for (const [name, members] of groups) {
    groups.set(name, [
      ...members.filter((m) => m.pathParams.length === 0),
      ...members.filter((m) => m.pathParams.length > 0),
    ]);
  }
  return groups;
}

function groupName(c: Candidate): string {
  const tags = c.operation.operation.tags;
  if (Array.isArray(tags) && typeof tags[0] === 'string' && tags[0].trim()) return tags[0].trim();
  return c.operation.path.split('/').find((s) => s && !s.startsWith('{')) ?? 'root';
}

function criticalPath(
  doc: Json,
  name: string,
  members: Candidate[],
  o: { picked: Candidate[]; auth: boolean },
): Json {
  const variables: Json = {};
  const names = new Set<string>();
  const steps = members.map((c) =>
    step(doc, c, { members, picked: o.picked, variables, names, auth: o.auth }),
  );
  const path: Json = { name, owner: TODO.owner, expect: TODO.expect, rollback: TODO.rollback };
  if (o.auth && members.every((c) => !c.secured)) path.auth = 'none';
  if (Object.keys(variables).length > 0) path.variables = variables;
  path.steps = steps;
  return path;
}

interface StepContext {
  members: Candidate[];
  picked: Candidate[];
  /** Path variables that still need a value (TODO placeholders). */
  variables: Json;
  names: Set<string>;
  /** Secured steps send the plan's `auth:` token. */
  auth: boolean;
}

function step(doc: Json, c: Candidate, ctx: StepContext): Json {
  const fromList = c.pathParams.length === 1 && idSource(doc, c, ctx.members) !== undefined;
  if (!fromList) for (const p of c.pathParams) ctx.variables[variableName(p)] = `TODO: a real ${p}`;
  const request: Json = {};
  if (c.operation.method !== 'GET') request.method = c.operation.method;
  request.url = c.operation.path.replace(/\{([^}/]+)\}/g, (_, p: string) => `{{ ${variableName(p)} }}`);
  const query = requiredQuery(doc, c);
  if (Object.keys(query).length > 0) request.query = query;
  if (c.secured && !ctx.auth) {
    request.headers = { Authorization: 'Bearer {{ token }}' };
    ctx.variables.token = 'TODO: a token, or capture it from a login step before this one';
  }
  const body = requestBodySchema(doc, c.operation);
  if (body) request.json = sampleValue(doc, body.schema);
  const out: Json = { name: stepName(c, ctx.names), request };
  out.expect = { status: successStatus(c.operation), schema: 'openapi' };
  const capture = capturesFor(doc, c, ctx.members);
  if (Object.keys(capture).length > 0) out.capture = capture;
  return out;
}

/** Captures this (list) step provides to the detail steps of the same path. */
function capturesFor(doc: Json, c: Candidate, members: Candidate[]): Json {
  const out: Json = {};
  for (const detail of members) {
    if (detail.pathParams.length !== 1) continue;
    const source = idSource(doc, detail, members);
    if (source?.from === c) out[variableName(detail.pathParams[0] as string)] = source.jsonPath;
  }
  return out;
}

function requiredQuery(doc: Json, c: Candidate): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const raw of c.operation.parameters) {
    const p = resolveSchema(doc, raw);
    if (p.in !== 'query' || p.required !== true) continue;
    const value = p.example ?? sampleValue(doc, p.schema);
    out[String(p.name)] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : `TODO: a value for ${String(p.name)}`;
  }
  return out;
}

function stepName(c: Candidate, names: Set<string>): string {
  const base = (c.summary || c.key).trim().toLowerCase() || c.key;
  const name = names.has(base) ? `${base} (${c.key})` : base;
  names.add(name);
  return name;
}

/** A path parameter as a template variable name. */
function variableName(param: string): string {
  const name = param.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `p_${name}`;
}

/** The service name from the document's title: `Shop API` -> `shop-api`. */
export function serviceNameOf(doc: Json): string {
  const title = asRecord(doc.info).title;
  const slug = typeof title === 'string' ? title.toLowerCase().replace(/[^a-z0-9]+/g, '-') : '';
  return slug.replace(/^-+|-+$/g, '') || 'service';
}
