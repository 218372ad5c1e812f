/**
 * Plan-level auth against a tiny token server: one token request per user for a whole pass,
 * a new one after `expires_in`, one more after a 401, a clear failure when the token endpoint
 * refuses, and the token redacted in the JSON result.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AuthTokens } from '../../src/http/auth.js';
import { runCriticalPath } from '../../src/http/run-path.js';
import type { Diagnostic } from '../../src/plan/diagnostic.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { AuthSpec, CriticalPathSpec } from '../../src/plan/schema.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { renderJson } from '../../src/report/json.js';
import { runPlan } from '../../src/run/run.js';
import { sendJson as json, scopeFor, useLocalServer, withBody } from '../support/local-server.js';

const PASSWORD = 'pw-correct-horse';
/** Token requests the server answered, by grant type. */
let fetches: Record<string, number> = {};
/** Tokens the server accepts now. */
let valid = new Set<string>();
let issued = 0;
let expiresIn: number | undefined;
let lastForm: URLSearchParams | undefined;

function handle(req: IncomingMessage, res: ServerResponse, body: string): unknown {
  const route = `${req.method} ${req.url}`;
  if (route === 'POST /token') {
    const form = new URLSearchParams(body);
    lastForm = form;
    const grant = form.get('grant_type') ?? '?';
    fetches[grant] = (fetches[grant] ?? 0) + 1;
    const ok =
      (grant === 'password' && form.get('username') === 'alice' && form.get('password') === PASSWORD) ||
      (grant === 'client_credentials' && form.get('client_secret') === PASSWORD);
    if (!ok) return json(res, 400, { detail: `Incorrect username or password ${form.get('password')}` });
    const token = `tok-${grant}-${++issued}-abcdef`;
    valid.add(token);
    return json(res, 200, {
      access_token: token,
      token_type: 'bearer',
      ...(expiresIn ? { expires_in: expiresIn } : {}),
    });
  }
  if (route === 'POST /login') {
    fetches.login = (fetches.login ?? 0) + 1;
    const token = `tok-login-${++issued}-abcdef`;
    valid.add(token);
    return json(res, 200, { session: { jwt: token } });
  }
  const auth = req.headers['x-session'] ?? req.headers.authorization ?? '';
  const token = String(auth).replace(/^Bearer /, '');
  if (!valid.has(token)) return json(res, 401, { detail: 'Not authenticated' });
  // The answer echoes the token: the result must still not show it.
  if (route === 'GET /me') return json(res, 200, { name: 'alice', seen: auth });
  if (route === 'POST /revoke') {
    valid.delete(token);
    return json(res, 200, { revoked: true });
  }
  return json(res, 404, { detail: 'no route' });
}

const local = useLocalServer(withBody(handle));

beforeEach(() => {
  fetches = {};
  valid = new Set();
  expiresIn = undefined;
  lastForm = undefined;
});

const scope = (): TemplateScope => scopeFor(local.url, { APP_PASSWORD: PASSWORD });

const USERS = {
  default: 'user',
  users: {
    user: {
      oauth2_password: { token_url: '/token', username: 'alice', password: '{{ secrets.APP_PASSWORD }}' },
    },
    wrong: { oauth2_password: { token_url: '/token', username: 'alice', password: 'not-the-password' } },
    service: {
      client_credentials: {
        token_url: '/token',
        client_id: 'svc',
        client_secret: '{{ secrets.APP_PASSWORD }}',
        scope: 'items:read',
      },
    },
    session: {
      login: {
        request: { method: 'POST', url: '/login', json: { u: 'alice' } },
        token: '$.session.jwt',
        header: 'X-Session',
        scheme: '',
      },
    },
  },
};

function tokens(s: TemplateScope, now?: () => number): AuthTokens {
  return new AuthTokens(AuthSpec.parse(USERS), {
    baseUrl: local.url,
    scope: s,
    dispatcher: local.agent,
    signal: new AbortController().signal,
    timeout: '5s',
    ...(now ? { now } : {}),
  });
}

function meth(name: string, steps: unknown[], auth?: string) {
  return CriticalPathSpec.parse({
    name,
    owner: 'o',
    expect: 'e',
    rollback: 'r',
    steps,
    ...(auth ? { auth } : {}),
  });
}

const me = { name: 'me', request: { url: '/me' }, expect: { status: 200, json: { '$.name': 'alice' } } };

async function run(p: ReturnType<typeof meth>, auth: AuthTokens, s: TemplateScope) {
  return runCriticalPath(p, {
    baseUrl: local.url,
    scope: s,
    settings: { step_timeout: '5s' },
    signal: new AbortController().signal,
    dispatcher: local.agent,
    auth,
  });
}

describe('plan-level auth', () => {
  test('one token request for three paths run at once, each step sends it', async () => {
    const s = scope();
    const auth = tokens(s);
    const paths = ['a', 'b', 'c'].map((n) => meth(n, [me, { ...me, name: 'me again' }]));
    const results = await Promise.all(paths.map((p) => run(p, auth, s)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['pass', 'pass', 'pass'],
    );
    assert.equal(fetches.password, 1);
    assert.equal(lastForm?.get('username'), 'alice');
  });

  test('a path or step with auth: none sends no token; another user gets its own', async () => {
    const s = scope();
    const auth = tokens(s);
    const anonymous = meth(
      'anon',
      [{ name: 'me', request: { url: '/me' }, expect: { status: 401 } }],
      'none',
    );
    const mixed = meth('mixed', [
      me,
      { ...me, name: 'as service', auth: 'service' },
      { ...me, name: 'as session', auth: 'session' },
    ]);
    assert.equal((await run(anonymous, auth, s)).status, 'pass');
    const result = await run(mixed, auth, s);
    assert.equal(result.status, 'pass', JSON.stringify(result.steps));
    assert.deepEqual(fetches, { password: 1, client_credentials: 1, login: 1 });
    assert.equal(lastForm?.get('scope'), 'items:read');
  });

  test('the token is fetched again once expires_in has passed', async () => {
    expiresIn = 60;
    let clock = 1_000_000;
    const s = scope();
    const auth = tokens(s, () => clock);
    assert.equal((await run(meth('first', [me]), auth, s)).status, 'pass');
    clock += 30_000;
    assert.equal((await run(meth('second', [me]), auth, s)).status, 'pass');
    assert.equal(fetches.password, 1, 'still valid after 30 s');
    clock += 31_000;
    assert.equal((await run(meth('third', [me]), auth, s)).status, 'pass');
    assert.equal(fetches.password, 2, 'fetched again after 61 s');
  });

  test('a step answered 401 is sent once more with a new token', async () => {
    const s = scope();
    const auth = tokens(s);
    const revoke = { name: 'revoke', request: { method: 'POST', url: '/revoke' }, expect: { status: 200 } };
    const result = await run(
      meth(
        'revoked',
        [me, revoke, me].map((st, i) => ({ ...st, name: `${st.name} ${i}` })),
      ),
      auth,
      s,
    );
    assert.equal(result.status, 'pass', JSON.stringify(result.steps));
    assert.equal(fetches.password, 2);
  });

  test('a refused token request fails the steps that need it, with the answer, the password redacted', async () => {
    const s = scope();
    s.redactor.add('not-the-password');
    const auth = tokens(s);
    const result = await run(meth('refused', [me, { ...me, name: 'me 2' }], 'wrong'), auth, s);
    assert.equal(result.status, 'fail');
    const message = result.steps[0]?.failures?.[0]?.message ?? '';
    assert.match(message, /^auth wrong: POST \/token answered 400: /);
    assert.match(message, /Incorrect username or password \[redacted\]/);
    assert.doesNotMatch(message, /not-the-password/);
    assert.equal(result.steps[1]?.status, 'skip');
    assert.equal(fetches.password, 1);
  });
});

describe('plan-level auth in a run', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-auth-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the token never appears in the JSON result, though the service echoes it', async () => {
    const text = [
      'version: 1',
      `service: { name: tiny, url: "${local.url}" }`,
      'auth:',
      '  default: user',
      '  users:',
      '    user: { oauth2_password: { token_url: /token, username: alice, password: "{{ secrets.APP_PASSWORD }}" } }',
      'critical_paths:',
      ...['one', 'two', 'three'].flatMap((name) => [
        `  - name: ${name}`,
        '    owner: o',
        '    expect: e',
        '    rollback: r',
        '    steps:',
        '      - { name: me, request: { url: /me }, expect: { status: 200, json: { "$.name": alice } } }',
      ]),
    ].join('\n');
    const loaded = parsePlan(text, { file: path.join(dir, 'preflight.yaml'), displayName: 'preflight.yaml' });
    const result = await runPlan({ loaded, only: ['paths'], env: { APP_PASSWORD: PASSWORD } });
    assert.equal(result.verdict, 'go', renderJson(result));
    assert.equal(fetches.password, 1);
    const out = renderJson(result);
    const [token] = [...valid];
    assert.ok(token, 'a token was issued');
    assert.ok(!out.includes(token), 'the token is not in the JSON result');
    assert.ok(!out.includes(token.slice(4)), 'nor part of it');
    assert.ok(!out.includes(PASSWORD));
    assert.match(out, /\[redacted\]/);
  });

  test('validate: an auth that names no user is an error', async () => {
    const text = [
      'version: 1',
      `service: { name: tiny, url: "${local.url}" }`,
      'auth: { default: usr, users: { user: { oauth2_password: { token_url: /token, username: a, password: b } } } }',
      'critical_paths:',
      '  - { name: p, owner: o, expect: e, rollback: r, auth: admin, steps: [{ name: s, auth: nobody, request: { url: /me }, expect: { status: 200 } }] }',
      'contract: { auth: uesr }',
    ].join('\n');
    let found: Diagnostic[] = [];
    try {
      parsePlan(text, { file: path.join(dir, 'bad.yaml'), displayName: 'bad.yaml' });
    } catch (error) {
      assert.ok(error instanceof PlanError);
      found = error.diagnostics.filter((d) => d.code === 'PLAN_UNKNOWN_AUTH');
    }
    assert.deepEqual(
      found.map((d) => d.message),
      [
        'auth.default uses auth "usr", which is not a user of auth.users',
        'critical path "p" uses auth "admin", which is not a user of auth.users',
        'step "s" of "p" uses auth "nobody", which is not a user of auth.users',
        // A kind's key names a user too: checked by the contract kind's own semantics.
        'contract uses auth "uesr", which is not a user of auth.users',
      ],
    );
    assert.equal(found[0]?.hint, 'did you mean "user"?');
    assert.deepEqual([found[3]?.line, found[3]?.column, found[3]?.hint], [6, 19, 'did you mean "user"?']);
  });
});
