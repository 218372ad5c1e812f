/**
 * init's flows for an app whose login is a JSON request answered with a token (the RealWorld
 * API pattern: an API-key `Authorization` header with a `Token` prefix the source declares, a
 * sign-up at POST /api/users and a login at POST /api/users/login, both with the credentials
 * one object down, the token at `$.user.token`). The document is written for this test.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { detectFastApiApp } from '../../src/ecosystem/init/detect.js';
import { buildFlows } from '../../src/ecosystem/init/flows.js';
import { listCandidates } from '../../src/ecosystem/init/select.js';
import { parsePlan } from '../../src/plan/load.js';

const credentials = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  required: ['user'],
  properties: {
    user: {
      type: 'object',
      required: ['email', 'password', ...Object.keys(extra)],
      properties: { email: { type: 'string', format: 'email' }, password: { type: 'string' }, ...extra },
    },
  },
});
const withToken = {
  type: 'object',
  properties: {
    user: { type: 'object', properties: { email: { type: 'string' }, token: { type: 'string' } } },
  },
};
const body = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const answer = (status: string, schema: unknown) => ({ [status]: { description: 'ok', ...body(schema) } });

const DOC = {
  openapi: '3.0.2',
  info: { title: 'conduit', version: '1' },
  components: { securitySchemes: { KeyHeader: { type: 'apiKey', in: 'header', name: 'Authorization' } } },
  paths: {
    '/api/users': {
      post: {
        requestBody: body(credentials({ username: { type: 'string' } })),
        responses: answer('201', withToken),
      },
    },
    '/api/users/login': { post: { requestBody: body(credentials()), responses: answer('200', withToken) } },
    '/api/user': { get: { security: [{ KeyHeader: [] }], responses: answer('200', withToken) } },
    '/api/tags': { get: { responses: answer('200', { type: 'object' }) } },
  },
};

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('init: a JSON login with a token in the answer', () => {
  test('an auth user that logs in with the JSON body, the token at $.user.token, the Token scheme', () => {
    const flows = buildFlows(DOC, listCandidates(DOC), { tokenPrefix: 'Token' });
    assert.ok(flows, 'flows are written for a JSON login');
    const user = (flows.auth.users as Record<string, Record<string, Record<string, unknown>>>).user;
    assert.deepEqual(user?.login, {
      request: {
        method: 'POST',
        url: '/api/users/login',
        json: { user: { email: 'u-{{ run.id }}@example.com', password: '{{ password }}' } },
      },
      token: '$.user.token',
      scheme: 'Token',
    });
    const [account] = flows.paths as { steps: { name: string; request: Record<string, unknown> }[] }[];
    assert.deepEqual(
      account?.steps.map((s) => [s.name, s.request.url]),
      [
        ['sign up', '/api/users'],
        ['log in', '/api/users/login'],
        ['read me', '/api/user'],
      ],
    );
    const body = account?.steps[0]?.request.json as { user: unknown } | undefined;
    assert.deepEqual(body?.user, {
      email: 'u-{{ run.id }}@example.com',
      password: '{{ password }}',
      username: 'u-{{ run.id }}',
    });
  });

  test('without a declared prefix an Authorization API key is sent as Bearer; a plan with the flows validates', () => {
    const flows = buildFlows(DOC, listCandidates(DOC));
    const users = flows?.auth.users as Record<string, Record<string, Record<string, unknown>>> | undefined;
    const user = users?.user;
    assert.equal(user?.login?.scheme, undefined, 'Bearer is the default, not written');
    const plan = {
      version: 1,
      service: { name: 'conduit', owner: 'team', url: 'http://127.0.0.1:9' },
      variables: flows?.variables,
      auth: flows?.auth,
      critical_paths: flows?.paths.map((p) => ({ ...p, owner: 'o', expect: 'e', rollback: 'r' })),
    };
    parsePlan(JSON.stringify(plan), { file: 'plan.yaml', displayName: 'plan.yaml' });
  });

  test('a create that documents 409 Conflict is left out of the flows, and the summary says why', () => {
    const item = { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' } } };
    const secured = { security: [{ KeyHeader: [] }] };
    const crud = (conflict: boolean) => ({
      ...DOC,
      paths: {
        ...DOC.paths,
        '/api/articles': {
          post: {
            ...secured,
            requestBody: body({ type: 'object', properties: { title: { type: 'string' } } }),
            responses: {
              ...answer('201', item),
              ...(conflict ? { 409: { description: 'Basket is empty' } } : {}),
            },
          },
        },
        '/api/articles/{article_id}': {
          get: {
            ...secured,
            parameters: [{ name: 'article_id', in: 'path', required: true, schema: { type: 'integer' } }],
            responses: answer('200', item),
          },
        },
      },
    });
    const plain = crud(false);
    const withCrud = buildFlows(plain, listCandidates(plain));
    assert.ok(
      withCrud?.paths.some((p) => /article/.test(String(p.name))),
      'without a 409 the resource has its CRUD flow',
    );
    const stateful = crud(true);
    const flows = buildFlows(stateful, listCandidates(stateful));
    assert.ok(!flows?.paths.some((p) => /article/.test(String(p.name))), 'with one, no flow for it');
    assert.ok(
      flows?.summary.some((line) =>
        /left out articles: POST \/api\/articles documents 409 \(Basket is empty\)/.test(line),
      ),
      String(flows?.summary),
    );
  });

  test('a resource keyed by the slug its detail route names, inside an envelope: captured at $.article.slug', () => {
    const secured = { security: [{ KeyHeader: [] }] };
    const article = {
      type: 'object',
      properties: {
        article: { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' } } },
      },
    };
    const slug = [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }];
    const doc = {
      ...DOC,
      paths: {
        ...DOC.paths,
        '/api/articles': {
          post: { ...secured, requestBody: body(article), responses: answer('201', article) },
        },
        '/api/articles/{slug}': {
          get: { ...secured, parameters: slug, responses: answer('200', article) },
          delete: { ...secured, parameters: slug, responses: { 204: { description: 'gone' } } },
        },
      },
    };
    const flows = buildFlows(doc, listCandidates(doc));
    const crud = flows?.paths.find((p) => /article/.test(String(p.name)));
    const steps = crud?.steps as Array<Record<string, Record<string, unknown>>> | undefined;
    assert.deepEqual(steps?.[0]?.capture, { article_slug: '$.article.slug' });
    assert.equal(steps?.[1]?.request?.url, '/api/articles/{{ article_slug }}');
    assert.deepEqual(steps?.[1]?.expect?.json, { '$.article.slug': '{{ article_slug }}' });
    assert.equal(
      (crud?.teardown as typeof steps)?.[0]?.request?.method,
      'DELETE',
      'the delete is the teardown',
    );
  });

  test('no login in the document: no flows', () => {
    const doc = { ...DOC, paths: { '/api/tags': DOC.paths['/api/tags'] } };
    assert.equal(buildFlows(doc, listCandidates(doc)), undefined);
  });

  test('the token prefix a settings class declares is found in the source', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-prefix-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'app', 'core'), { recursive: true });
    await writeFile(path.join(dir, 'app', 'main.py'), 'from fastapi import FastAPI\n\napp = FastAPI()\n');
    await writeFile(
      path.join(dir, 'app', 'core', 'settings.py'),
      'class AppSettings:\n    api_prefix: str = "/api"\n    jwt_token_prefix: str = "Token"\n',
    );
    const app = await detectFastApiApp(dir);
    assert.equal(app?.tokenPrefix, 'Token');
  });
});
