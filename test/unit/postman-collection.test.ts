/**
 * A collection as a plan: one path in collection order with Newman's semantics, inherited
 * auth and scripts, the base URL as the service URL, literal credentials to secrets, the
 * readiness request, and the v3 directory format read into the same plan.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readCollection } from '../../src/ecosystem/postman/collection.js';
import { convertCollection } from '../../src/ecosystem/postman/convert.js';
import { loadCollection, loadVariables } from '../../src/ecosystem/postman/load.js';
import { ROOT } from '../support/cli.js';

const V21 = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
const testScript = (...exec: string[]) => [{ listen: 'test', script: { exec } }];

type Step = Record<string, unknown> & { name: string; request: Record<string, unknown> };

function plan(collection: unknown, environment: { key: string; value: string }[] = []) {
  const result = convertCollection(readCollection(collection), {
    environment: environment.map((v) => ({ ...v, disabled: false })),
  });
  const paths = result.plan.critical_paths as { steps: Step[]; on_failure: string; name: string }[];
  return {
    result,
    service: result.plan.service as Record<string, unknown>,
    path: paths[0] as (typeof paths)[0],
    variables: result.plan.variables as Record<string, string>,
  };
}

describe('a collection as a plan', () => {
  test('one path, requests in collection order, inherited auth and scripts, the base URL as the service URL', () => {
    const {
      path: p,
      service,
      variables,
      result,
    } = plan(
      {
        info: { name: 'Shop', schema: V21 },
        auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}' }] },
        event: testScript('pm.test("fast", () => pm.expect(pm.response.responseTime).to.be.below(900));'),
        item: [
          {
            name: 'Health',
            request: { method: 'GET', url: '{{baseUrl}}/healthz', auth: { type: 'noauth' } },
          },
          {
            name: 'Account',
            auth: { type: 'noauth' },
            event: testScript('pm.test("json", () => pm.response.to.be.json);'),
            item: [
              {
                name: 'Log in',
                request: { method: 'POST', url: '{{baseUrl}}/login' },
                event: testScript('pm.environment.set("token", pm.response.json().token);'),
              },
              {
                name: 'Deep',
                item: [
                  {
                    name: 'Me',
                    request: { method: 'GET', url: '{{baseUrl}}/me', auth: { type: 'inherit' } },
                  },
                ],
              },
            ],
          },
          {
            name: 'Articles',
            item: [
              {
                name: 'Create',
                request: {
                  method: 'POST',
                  url: '{{baseUrl}}/articles',
                  body: { mode: 'raw', raw: '{"n": {{n}}}', options: { raw: { language: 'json' } } },
                },
                event: testScript('pm.collectionVariables.set("id", pm.response.json().id);'),
              },
              {
                name: 'Search',
                request: { method: 'GET', url: '{{baseUrl}}/articles?tag=dragons&limit=2\n' },
              },
              {
                name: 'Check',
                request: { method: 'GET', url: '{{baseUrl}}/articles/{{id}}' },
                event: testScript(
                  'pm.test("same", () => pm.expect(pm.response.json().id).to.eql(parseInt(pm.collectionVariables.get("id"))));',
                ),
              },
              { name: 'Delete', request: { method: 'DELETE', url: '{{baseUrl}}/articles/{{id}}' } },
            ],
          },
        ],
      },
      [
        { key: 'baseUrl', value: 'http://127.0.0.1:8000/' },
        { key: 'n', value: '3' },
      ],
    );
    assert.equal(p.on_failure, 'continue');
    assert.deepEqual(
      p.steps.map((s) => s.name),
      [
        'Health',
        'Account › Log in',
        'Account › Deep › Me',
        'Articles › Create',
        'Articles › Search',
        'Articles › Check',
        'Articles › Delete',
      ],
    );
    assert.equal(service.url, 'http://127.0.0.1:8000');
    assert.equal(variables.baseUrl, '{{ service.url }}');
    assert.equal(service.ready, 'GET /healthz');
    assert.equal(p.steps[2]?.request.headers, undefined, 'Me inherits its folder’s noauth');
    assert.deepEqual(p.steps[3]?.request.headers, {
      Authorization: 'Bearer {{ token }}',
      'Content-Type': 'application/json',
    });
    assert.equal(
      p.steps[3]?.request.body,
      '{"n": {{ n }}}',
      'a bare {{var}} in JSON stays text, as Postman substitutes it',
    );
    assert.deepEqual(p.steps[4]?.request, {
      url: '/articles',
      query: { tag: 'dragons', limit: '2' },
      headers: { Authorization: 'Bearer {{ token }}' },
    });
    assert.deepEqual((p.steps[5]?.assertions as unknown[])?.at(-1), {
      name: 'same',
      json: { '$.id': '{{ id }}' },
    });
    assert.equal(p.steps[6]?.always, true, 'a DELETE of a captured id cleans up even under on_failure: stop');
    assert.deepEqual(
      ((p.steps[1]?.assertions ?? []) as { name: string }[]).map((a) => a.name),
      ['fast', 'json'],
      'collection and folder scripts run around each request',
    );
    assert.deepEqual(result.totals, { requests: 7, assertions: 10, converted: 10, kept: 0 });
  });

  test('literal credentials become secrets, never copied; the readiness request needs none, or there is none', () => {
    const {
      path: p,
      service,
      result,
    } = plan({
      info: { name: 'Keys', schema: V21 },
      item: [
        {
          name: 'Mine',
          request: {
            method: 'GET',
            url: 'https://user:hunter22@api.test/me?api_key=k-123456&page=2',
            header: [
              { key: 'Authorization', value: 'Bearer abc.def.ghi' },
              { key: 'X-Api-Key', value: 'xk-999' },
            ],
          },
        },
        {
          name: 'Basic',
          request: {
            method: 'GET',
            url: 'https://api.test/basic',
            auth: {
              type: 'basic',
              basic: [
                { key: 'username', value: 'ann' },
                { key: 'password', value: 's3cret' },
              ],
            },
          },
        },
        { name: 'Author', request: { method: 'GET', url: 'https://api.test/articles?author=jake' } },
      ],
    });
    const text = JSON.stringify(result.plan);
    for (const literal of ['hunter22', 'k-123456', 'abc.def.ghi', 'xk-999', 's3cret'])
      assert.ok(!text.includes(literal), literal);
    assert.equal(p.steps[0]?.request.url, '/me');
    assert.equal(service.url, 'https://api.test', 'the common origin of absolute URLs');
    assert.deepEqual(p.steps[0]?.request.query, { api_key: '{{ secrets.API_KEY }}', page: '2' });
    // The pasted Authorization header wins over the URL's user and password, as in Postman.
    assert.deepEqual(p.steps[0]?.request.headers, {
      Authorization: 'Bearer {{ secrets.AUTHORIZATION }}',
      'X-Api-Key': '{{ secrets.X_API_KEY }}',
    });
    assert.deepEqual(
      p.steps[2]?.request.query,
      { author: 'jake' },
      'a name that merely contains "auth" is not a credential',
    );
    assert.deepEqual(
      [...result.secrets.keys()],
      ['API_KEY', 'URL_BASIC_AUTH', 'AUTHORIZATION', 'X_API_KEY', 'BASIC_AUTH'],
    );
    assert.equal(
      service.ready,
      undefined,
      'no health check without credentials: no ready (any answer below 500 means up)',
    );
  });

  test('v2.0: a URL object without raw, auth parameters as a map; globals under collection under environment', () => {
    const collection = {
      info: { name: 'Old', schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
      variable: [
        { key: 'who', value: 'collection' },
        { key: 'region', value: 'eu' },
      ],
      item: [
        {
          name: 'Hello',
          request: {
            method: 'GET',
            url: { protocol: 'http', host: ['127', '0', '0', '1'], port: '8000', path: ['hello', '{{who}}'] },
            auth: { type: 'bearer', bearer: { token: '{{token}}' } },
          },
        },
      ],
    };
    const result = convertCollection(readCollection(collection), {
      globals: [
        { key: 'who', value: 'globals', disabled: false },
        { key: 'tier', value: 'gold', disabled: false },
      ],
      environment: [{ key: 'region', value: 'us', disabled: false }],
    });
    const step = (result.plan.critical_paths as { steps: Step[] }[])[0]?.steps[0];
    assert.equal((result.plan.service as { url: string }).url, 'http://127.0.0.1:8000');
    assert.equal(step?.request.url, '/hello/{{ who }}');
    assert.deepEqual(
      step?.request.headers,
      { Authorization: 'Bearer {{ secrets.TOKEN }}' },
      'set nowhere and secret-looking: a secret',
    );
    const variables = result.plan.variables as Record<string, string>;
    assert.equal(variables.who, 'collection');
    assert.equal(variables.region, 'us');
    assert.equal(variables.tier, 'gold');
    assert.deepEqual(result.secretNames, ['TOKEN']);
  });

  test('the v3 directory format reads into the same plan as its v2.1 twin', async () => {
    const fixtures = path.join(ROOT, 'test', 'fixtures', 'postman');
    const v3 = convertCollection(await loadCollection(path.join(fixtures, 'shop-v3')), {
      environment: await loadVariables(path.join(fixtures, 'v3-environments', 'Local.environment.yaml')),
    });
    const twin = convertCollection(
      await loadCollection(path.join(fixtures, 'shop-v3.twin.postman_collection.json')),
      {
        environment: await loadVariables(
          path.join(fixtures, 'v3-environments', 'twin.postman_environment.json'),
        ),
      },
    );
    const steps = (r: typeof v3) => (r.plan.critical_paths as { steps: Step[] }[])[0]?.steps;
    assert.deepEqual(steps(v3), steps(twin));
    assert.deepEqual(v3.totals, twin.totals);
    assert.equal((v3.plan.service as { name: string }).name, 'shop-v3');
  });
});
