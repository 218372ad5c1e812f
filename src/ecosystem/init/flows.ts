/**
 * Critical paths as flows, for a document with a login: an `auth:` user from the OAuth2
 * security scheme's tokenUrl, or from a JSON login whose answer holds a token (login.ts);
 * sign-up -> log in -> me; create -> read -> update of each resource with its key captured
 * (`$.id`, `$.article.slug`) and its delete as the path's teardown; and an admin-only route refused to a normal user
 * (403). Request bodies are filled from the schema (examples, enums, formats), so the flows
 * run without hand edits; owners, expected results and rollbacks stay TODO placeholders.
 */
import { asRecord } from '../../openapi/operations.js';
import { requestBodySchema, resolveSchema, successSchema, successStatus } from './doc-schema.js';
import { type FlowHints, isSignup, type JsonLogin, jsonLogin, passwordTokenUrl } from './login.js';
import { FLOW_EMAIL, sample } from './sample.js';
import type { Candidate } from './select.js';
import { TODO } from './skeleton.js';

type Json = Record<string, unknown>;

const USER = 'user';

/** What the flows add to the plan. */
export interface Flows {
  auth: Json;
  variables: Json;
  paths: Json[];
  /** Operations the flows cover (`POST /items/`), left out of the per-operation paths. */
  covered: Set<string>;
  /** In words, for init's output. */
  summary: string[];
}

/**
 * The flows of the document, or undefined when it has no login to build them on: an OAuth2
 * password flow (its tokenUrl), or a JSON login (an unsecured POST …/login with a password
 * whose answer holds a token) for a bearer or API-key header scheme.
 */
export function buildFlows(doc: Json, candidates: Candidate[], hints: FlowHints = {}): Flows | undefined {
  const tokenUrl = passwordTokenUrl(doc);
  const json = tokenUrl ? undefined : jsonLogin(doc, candidates, hints);
  if (!tokenUrl && !json) return undefined;
  const covered = new Set<string>(tokenUrl ? [`POST ${tokenUrl}`] : []);
  const signup = candidates.find((c) => isSignup(doc, c) && c.key !== json?.login.key);
  const username = signup ? FLOW_EMAIL : '{{ env.APP_USER }}';
  const password = signup ? '{{ password }}' : '{{ secrets.APP_PASSWORD }}';
  const login: Json = json
    ? {
        login: {
          request: { method: 'POST', url: json.login.operation.path, json: json.body },
          token: json.token,
          ...(json.header !== 'Authorization' ? { header: json.header } : {}),
          ...(json.scheme !== 'Bearer' ? { scheme: json.scheme } : {}),
        },
      }
    : { oauth2_password: { token_url: tokenUrl, username, password } };
  const flows: Flows = {
    auth: { default: USER, users: { [USER]: login } },
    variables: signup ? { password: 'launch-{{ run.id }}' } : {},
    paths: [],
    covered,
    summary: [
      json
        ? `auth: the login at ${json.login.key}, its token ${json.token} in ${json.header}${json.scheme ? ` (${json.scheme})` : ''}`
        : `auth: the OAuth2 password login at ${tokenUrl}`,
    ],
  };
  flows.paths.push(accountFlow(doc, candidates, { tokenUrl, json, signup, username, password }, covered));
  flows.summary.push(signup ? 'sign-up -> log in -> me' : 'log in -> me');
  // With a self sign-up under /users/signup, the user collection /users/ (list, create) is
  // the administrators': a normal user creating users is refused, so it is no CRUD flow but
  // the authorization check (seen on a public FastAPI template whose /users/ is superuser-only).
  const users = signup ? signup.operation.path.replace(/\/[^/]*$/, '') : undefined;
  const isUsers = (c: Candidate): boolean =>
    users !== undefined && c.operation.path.replace(/\/+$/, '') === users;
  for (const resource of resources(doc, candidates)
    .filter((r) => !isUsers(r.create))
    .slice(0, 3)) {
    // A create that documents 409 Conflict depends on state a fresh user does not have (seen:
    // an order needs a filled cart): a flow that fails on a healthy app is no help; say so.
    const conflict = conflictOf(resource.create);
    if (conflict !== undefined) {
      flows.summary.push(
        `left out ${resource.name}: ${resource.create.key} documents 409${conflict ? ` (${conflict})` : ''}, a state a new user does not have; write that path by hand`,
      );
      continue;
    }
    flows.paths.push(crudFlow(doc, resource, covered));
    flows.summary.push(`${resource.name}: ${resource.steps.join(' -> ')}`);
  }
  const admin =
    candidates.find((c) => isAdminOnly(c) && !covered.has(c.key)) ??
    candidates.find(
      (c) =>
        c.operation.method === 'GET' &&
        c.secured &&
        isUsers(c) &&
        c.unknownQuery.length === 0 &&
        !covered.has(c.key),
    );
  if (admin) {
    covered.add(admin.key);
    flows.paths.push(
      path('a normal user is refused the admin route', [
        { name: `refused ${admin.key}`, request: request(admin), expect: { status: 403 } },
      ]),
    );
    flows.summary.push(`${admin.key} refused to a normal user (403)`);
  }
  return flows;
}

function isAdminOnly(c: Candidate): boolean {
  if (c.operation.method !== 'GET' || !c.secured || c.pathParams.length > 0 || c.unknownQuery.length > 0)
    return false;
  const o = c.operation.operation;
  const words = `${c.operation.path} ${String(o.summary ?? '')} ${String(o.description ?? '')}`;
  return /\b(admin|superusers?|staff)\b/i.test(words) || Object.hasOwn(asRecord(o.responses), '403');
}

interface Account {
  tokenUrl: string | undefined;
  json: JsonLogin | undefined;
  signup: Candidate | undefined;
  username: string;
  password: string;
}

function accountFlow(doc: Json, candidates: Candidate[], a: Account, covered: Set<string>): Json {
  const steps: Json[] = [];
  if (a.signup) {
    covered.add(a.signup.key);
    const body = sample(doc, requestBodySchema(doc, a.signup.operation)?.schema, '');
    steps.push({
      name: 'sign up',
      auth: 'none',
      request: { ...request(a.signup), json: body },
      expect: { status: successStatus(a.signup.operation), schema: 'openapi' },
    });
  }
  if (a.json) {
    covered.add(a.json.login.key);
    steps.push({
      name: 'log in',
      auth: 'none',
      request: { method: 'POST', url: a.json.login.operation.path, json: a.json.body },
      expect: { status: successStatus(a.json.login.operation), json: { [a.json.token]: { type: 'string' } } },
      capture: { login_token: { json: a.json.token, secret: true } },
    });
  } else {
    steps.push({
      name: 'log in',
      auth: 'none',
      request: { method: 'POST', url: a.tokenUrl, form: { username: a.username, password: a.password } },
      expect: { status: 200, json: { '$.access_token': { type: 'string' } } },
      capture: { login_token: { json: '$.access_token', secret: true } },
    });
  }
  const me = candidates.find(
    (c) =>
      c.operation.method === 'GET' &&
      c.secured &&
      c.pathParams.length === 0 &&
      /\/(me|user)\/?$/.test(c.operation.path),
  );
  if (me) {
    covered.add(me.key);
    const json = a.signup && emailField(doc, me) ? { [`$.${emailField(doc, me)}`]: a.username } : undefined;
    steps.push({
      name: 'read me',
      request: request(me),
      expect: { status: successStatus(me.operation), ...(json ? { json } : {}), schema: 'openapi' },
    });
  }
  return path(a.signup ? 'sign up, log in, read me' : 'log in, read me', steps);
}

function emailField(doc: Json, c: Candidate): string | undefined {
  const props = asRecord(successSchema(doc, c.operation)?.properties);
  return Object.keys(props).find((p) => p === 'email');
}

interface Resource {
  name: string;
  create: Candidate;
  read: Candidate;
  update: Candidate | undefined;
  remove: Candidate | undefined;
  steps: string[];
  /** Where the created resource's key is in the create's answer: `$.id`, `$.article.slug`. */
  key: string;
}

/**
 * The JSONPath of the created resource's key in the create's answer: the property the detail
 * route's parameter names (`{item_id}` -> `id`, `{slug}` -> `slug`), at the top level or in
 * one wrapper object (`{ "article": { "slug": … } }`, the RealWorld API's envelope).
 */
function keyOf(doc: Json, create: Candidate, param: string): string | undefined {
  const names = [...new Set(param === 'id' || /_id$/.test(param) ? ['id', param] : [param])];
  const props = asRecord(successSchema(doc, create.operation)?.properties);
  const top = names.find((n) => Object.hasOwn(props, n));
  if (top) return `$.${top}`;
  for (const [wrapper, value] of Object.entries(props)) {
    const inner = asRecord(resolveSchema(doc, value).properties);
    const found = names.find((n) => Object.hasOwn(inner, n));
    if (found && /^[A-Za-z_][A-Za-z0-9_]*$/.test(wrapper)) return `$.${wrapper}.${found}`;
  }
  return undefined;
}

/** The description of the operation's documented 409 answer ('' without one), or undefined when it documents none. */
function conflictOf(c: Candidate): string | undefined {
  const answer = asRecord(c.operation.operation.responses)['409'];
  if (answer === undefined) return undefined;
  const description = asRecord(answer).description;
  return typeof description === 'string' ? description.trim() : '';
}

/** `POST /items/` with `GET /items/{id}` (and PUT/PATCH, DELETE on it) whose answers have an id. */
function resources(doc: Json, candidates: Candidate[]): Resource[] {
  const out: Resource[] = [];
  for (const create of candidates) {
    if (create.operation.method !== 'POST' || create.pathParams.length > 0 || isSignup(doc, create)) continue;
    if (!requestBodySchema(doc, create.operation)) continue;
    const base = create.operation.path.replace(/\/+$/, '');
    const on = (method: string) =>
      candidates.find(
        (c) =>
          c.operation.method === method &&
          c.pathParams.length === 1 &&
          c.unknownQuery.length === 0 &&
          c.operation.path.replace(/\/+$/, '') === `${base}/{${c.pathParams[0]}}`,
      );
    const read = on('GET');
    if (!read) continue;
    const key = keyOf(doc, create, read.pathParams[0] as string);
    if (!key) continue;
    const update = on('PUT') ?? on('PATCH');
    const remove = on('DELETE');
    const name =
      base
        .split('/')
        .filter((s) => s && !s.startsWith('{'))
        .pop() ?? 'resource';
    const steps = ['create', 'read', ...(update ? ['update'] : []), ...(remove ? ['delete (teardown)'] : [])];
    out.push({ name, create, read, update, remove, steps, key });
  }
  return out;
}

function crudFlow(doc: Json, r: Resource, covered: Set<string>): Json {
  const last = r.key.split('.').pop() as string;
  const id = `${singular(r.name).replace(/[^A-Za-z0-9_]/g, '_')}_${last}`;
  const detail = (c: Candidate): string => c.operation.path.replace(/\{[^}/]+\}/, `{{ ${id} }}`);
  const sameId = (): Json => ({ [r.key]: `{{ ${id} }}` });
  const steps: Json[] = [
    {
      name: `create ${singular(r.name)}`,
      request: {
        ...request(r.create),
        json: sample(doc, requestBodySchema(doc, r.create.operation)?.schema, ''),
      },
      expect: { status: successStatus(r.create.operation), schema: 'openapi' },
      capture: { [id]: r.key },
    },
    {
      name: `read ${singular(r.name)}`,
      request: { url: detail(r.read) },
      expect: { status: successStatus(r.read.operation), json: sameId(), schema: 'openapi' },
    },
  ];
  for (const c of [r.create, r.read]) covered.add(c.key);
  if (r.update) {
    covered.add(r.update.key);
    const body = sample(doc, requestBodySchema(doc, r.update.operation)?.schema, '', true);
    steps.push({
      name: `update ${singular(r.name)}`,
      request: { method: r.update.operation.method, url: detail(r.update), json: body },
      expect: { status: successStatus(r.update.operation), json: sameId(), schema: 'openapi' },
    });
  }
  const flow = path(`${singular(r.name)}: create, read, update, delete`, steps);
  if (r.remove) {
    covered.add(r.remove.key);
    // A teardown step runs after a failed read or update too, so a failed run leaves no record
    // behind in the app's database (seen: the app's own tests, counting rows there, then fail).
    // When the create failed, its key was never captured and the engine skips the delete with
    // "nothing to clean up" instead of erroring.
    flow.teardown = [
      {
        name: `delete ${singular(r.name)}`,
        request: { method: 'DELETE', url: detail(r.remove) },
        expect: { status: successStatus(r.remove.operation), schema: 'openapi' },
      },
    ];
  }
  return flow;
}

function singular(name: string): string {
  return name.replace(/ies$/, 'y').replace(/s$/, '');
}

function request(c: Candidate): Json {
  return { ...(c.operation.method === 'GET' ? {} : { method: c.operation.method }), url: c.operation.path };
}

function path(name: string, steps: Json[]): Json {
  return { name, owner: TODO.owner, expect: TODO.expect, rollback: TODO.rollback, steps };
}
