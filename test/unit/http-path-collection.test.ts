/**
 * The path features an imported collection needs, against a tiny in-process server: named
 * assertions with conditions, `on_failure: continue`, `always` and `teardown` steps (which run
 * after a failure, and are skipped when there is nothing to clean up), captures kept from a
 * failed step, `set` before the request, and kept scripts run in the sandbox worker.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scopeFor, sendJson, useLocalServer, withBody } from '../support/local-server.js';

const deleted: string[] = [];

const local = useLocalServer(
  withBody((req, res, body) => {
    const send = (status: number, value: unknown): void => sendJson(res, status, value);
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/articles')
      send(201, { article: { slug: `a-${JSON.parse(body || '{}').n ?? 0}`, tags: [] } });
    else if (req.method === 'DELETE' && url.startsWith('/articles/')) {
      deleted.push(url.slice('/articles/'.length));
      send(204, {});
    } else if (url === '/echo') send(200, { auth: req.headers.authorization ?? null, body });
    else if (url === '/feed') send(200, { articles: [], count: 0 });
    else send(500, { error: 'boom' });
  }),
);

function run(fields: Record<string, unknown>, vars: Record<string, unknown> = {}) {
  return local.runPath(fields, { scope: { ...scopeFor(local.url), vars: new Map(Object.entries(vars)) } });
}

describe('named assertions', () => {
  test('each has its own outcome; when/unless skip it; fail always fails; failures carry the name', async () => {
    const result = await run({
      steps: [
        {
          name: 'feed',
          request: { url: '/feed' },
          assertions: [
            { name: 'status is 200', status: 200 },
            { name: 'has articles', json: { '$.articles': { empty: false } } },
            {
              name: 'count is 0 when empty',
              when: { json: { '$.articles': { empty: true } } },
              json: { '$.count': 0 },
            },
            {
              name: 'first has a slug',
              unless: { json: { '$.articles.length': 0 } },
              json: { '$.articles[0].slug': { exists: true } },
            },
            { name: 'integration only', when: { vars: { isIntegration: { truthy: true } } }, status: 599 },
            { name: 'unexpected', when: { status: { ne: 200 } }, fail: 'Unexpected response code' },
            { name: 'any 2xx', status: { gte: 200, lt: 300 } },
          ],
        },
      ],
    });
    const step = result.steps[0];
    assert.deepEqual(
      step?.assertions?.map((a) => [a.name, a.status]),
      [
        ['status is 200', 'pass'],
        ['has articles', 'fail'],
        ['count is 0 when empty', 'pass'],
        ['first has a slug', 'skip'],
        ['integration only', 'skip'],
        ['unexpected', 'skip'],
        ['any 2xx', 'pass'],
      ],
    );
    assert.equal(step?.status, 'fail');
    assert.deepEqual(
      step?.failures?.map((f) => f.name),
      ['has articles'],
    );
    assert.match(
      step?.failures?.[0]?.message ?? '',
      /^has articles: json \$\.articles: expected a non-empty/,
    );
  });
});

describe('failed steps, continue, always and teardown', () => {
  const steps = [
    {
      name: 'create',
      request: { method: 'POST', url: '/articles', json: { n: 1 } },
      expect: { status: 200 },
      capture: { slug: '$.article.slug' },
    },
    { name: 'broken', request: { url: '/boom' }, expect: { status: 200 } },
    { name: 'read back', request: { url: '/echo' }, expect: { status: 200 } },
    {
      name: 'delete',
      always: true,
      request: { method: 'DELETE', url: '/articles/{{ slug }}' },
      expect: { status: 204 },
    },
  ];

  test('stop (the default): the rest is skipped, but an always step runs with the failed step’s capture', async () => {
    deleted.length = 0;
    const result = await run({ steps });
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.status]),
      [
        ['create', 'fail'],
        ['broken', 'skip'],
        ['read back', 'skip'],
        ['delete', 'pass'],
      ],
    );
    assert.equal(result.status, 'fail');
    assert.deepEqual(deleted, ['a-1'], 'the article created by the failed step is deleted');
  });

  test('on_failure: continue runs every step, as Newman does', async () => {
    const result = await run({ on_failure: 'continue', steps });
    assert.deepEqual(
      result.steps.map((s) => s.status),
      ['fail', 'fail', 'pass', 'pass'],
    );
  });

  test('teardown runs after a failure; with nothing to clean up it is skipped and does not count', async () => {
    deleted.length = 0;
    const teardown = [
      {
        name: 'delete it',
        request: { method: 'DELETE', url: '/articles/{{ slug }}' },
        expect: { status: 204 },
      },
    ];
    const failed = await run({
      steps: [
        {
          name: 'create',
          request: { method: 'POST', url: '/articles', json: { n: 2 } },
          capture: { slug: '$.article.slug' },
        },
        steps[1],
      ],
      teardown,
    });
    assert.deepEqual(
      failed.steps.map((s) => [s.name, s.status, s.teardown ?? false]),
      [
        ['create', 'pass', false],
        ['broken', 'fail', false],
        ['delete it', 'pass', true],
      ],
    );
    assert.deepEqual(deleted, ['a-2']);
    const nothing = await run({ steps: [steps[2]], teardown });
    assert.equal(nothing.steps[1]?.status, 'skip');
    assert.match(nothing.steps[1]?.skip_reason ?? '', /^nothing to clean up: \{\{ slug \}\} is not defined/);
    assert.equal(nothing.status, 'pass', 'a skipped clean-up does not make the path a skip');
  });

  test('captures under a condition, and set before the request', async () => {
    const result = await run({
      steps: [
        {
          name: 'create',
          request: { method: 'POST', url: '/articles', json: { n: 3 } },
          capture: {
            slug: { json: '$.article.slug', when: { status: 201 } },
            never: { json: '$.article.slug', unless: { status: 201 } },
          },
        },
        {
          name: 'echo',
          set: { auth: 'Token {{ slug }}' },
          request: { method: 'POST', url: '/echo', headers: { Authorization: '{{ auth }}' }, body: 'x' },
          expect: { json: { '$.auth': 'Token a-3' }, vars: { never: { exists: false } } },
        },
      ],
    });
    for (const s of result.steps) assert.equal(s.status, 'pass', JSON.stringify(s.failures ?? s.error));
  });
});

describe('kept scripts', () => {
  test('tests become outcomes, a variable the script sets reaches the next step, a throw fails the step', async () => {
    const result = await run({
      on_failure: 'continue',
      steps: [
        {
          name: 'create',
          request: { method: 'POST', url: '/articles', json: { n: 4 } },
          script: {
            prerequest: 'pm.variables.set("n", 4)',
            test: [
              'const a = pm.response.json().article;',
              'pm.test("slug is derived", () => pm.expect(a.slug).to.eql("a-" + pm.variables.get("n")));',
              'pm.test("tags is empty", () => pm.expect(a.tags).to.not.be.empty);',
              'pm.environment.set("token", a.slug.toUpperCase());',
            ].join('\n'),
          },
        },
        {
          name: 'echo',
          request: { url: '/echo', headers: { Authorization: 'Token {{ token }}' } },
          expect: { json: { '$.auth': 'Token A-4' } },
        },
        {
          name: 'throws',
          request: { url: '/feed' },
          script: 'const x = pm.response.json().articles[0].slug;',
        },
      ],
    });
    const [create, echo, throws] = result.steps;
    assert.deepEqual(
      create?.assertions?.map((a) => [a.name, a.status, a.from]),
      [
        ['slug is derived', 'pass', 'script'],
        ['tags is empty', 'fail', 'script'],
      ],
    );
    assert.equal(create?.status, 'fail');
    assert.equal(echo?.status, 'pass', JSON.stringify(echo?.failures));
    assert.equal(throws?.status, 'fail');
    assert.match(
      throws?.failures?.[0]?.message ?? '',
      /^test script: TypeError: Cannot read properties of undefined/,
    );
  });
});
