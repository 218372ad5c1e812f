/**
 * `capture: { name: { value: ... } }`: a fixed value of the plan set after the response, when
 * the capture's conditions allow, templated once with the variables of that moment.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sendJson as json, scopeFor, useLocalServer, withBody } from '../support/local-server.js';

const FIXED_TOKEN = 'fixed-token-5c1d9e2b';
const ENV_TOKEN = 'ci-deploy-token-7f3a9c1e';

const local = useLocalServer(
  withBody((req, res, body) => {
    if (req.url === '/orders') json(res, 201, { id: 42, note: '{{ env.CI_DEPLOY_TOKEN }}' });
    else if (req.url === '/missing') json(res, 404, { error: 'no such order' });
    else json(res, 200, { url: req.url, headers: req.headers, body });
  }),
);

const run = (steps: unknown[]) => {
  const scope = scopeFor(local.url);
  scope.env = { CI_DEPLOY_TOKEN: ENV_TOKEN };
  return local.runSteps(steps, { scope });
};

/** A step that passes only when the variables hold these matchers (captures of earlier steps). */
const expectVars = (vars: Record<string, unknown>) => ({
  name: 'check',
  request: { url: '/echo' },
  expect: { status: 200, vars },
});

describe('capture value', () => {
  test('a fixed string, number, boolean and null are set after the response', async () => {
    const result = await run([
      {
        name: 'create',
        request: { method: 'POST', url: '/orders', json: { name: 'Ana' } },
        expect: { status: 201 },
        capture: {
          user_name: { value: 'Ana' },
          count: { value: 3 },
          active: { value: false },
          nothing: { value: null },
        },
      },
      expectVars({ user_name: 'Ana', count: 3, active: false, nothing: { type: 'null' } }),
    ]);
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.failures]),
      [
        ['pass', undefined],
        ['pass', undefined],
      ],
    );
  });

  test('a when that does not hold leaves the variable unset; an unless that holds too', async () => {
    const result = await run([
      {
        name: 'lookup',
        request: { url: '/missing' },
        expect: { status: 404 },
        capture: {
          found: { value: 'yes', when: { status: 200 } },
          kept: { value: 'yes', unless: { status: 404 } },
          missing: { value: 'yes', when: [{ status: 404 }, { json: { '$.error': { exists: true } } }] },
        },
      },
      expectVars({ found: { exists: false }, kept: { exists: false }, missing: 'yes' }),
    ]);
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.failures]),
      [
        ['pass', undefined],
        ['pass', undefined],
      ],
    );
  });

  test('a template sees earlier captures (of earlier steps and of the same step), whole values keep their type', async () => {
    const result = await run([
      { name: 'create', request: { method: 'POST', url: '/orders' }, capture: { order_id: '$.id' } },
      {
        name: 'again',
        request: { method: 'POST', url: '/orders' },
        capture: {
          second_id: '$.id',
          label: { value: 'order-{{ order_id }}/{{ second_id }}' },
          same: { value: '{{ order_id }}' },
        },
      },
      expectVars({ label: 'order-42/42', same: 42 }),
    ]);
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.failures]),
      [
        ['pass', undefined],
        ['pass', undefined],
        ['pass', undefined],
      ],
    );
  });

  test('substituted text is data: a captured "{{ env.X }}" is not rendered again', async () => {
    const result = await run([
      {
        name: 'create',
        request: { method: 'POST', url: '/orders' },
        capture: { note: '$.note', copied: { value: 'note: {{ note }}' } },
      },
      // (Expectations are templated too: the matcher spells the braces without writing `{{`.)
      expectVars({ copied: { match: '^note: \\{\\{ env\\.CI_DEPLOY_TOKEN \\}\\}$' } }),
    ]);
    assert.equal(result.steps[1]?.status, 'pass', JSON.stringify(result.steps[1]?.failures));
    assert.ok(!JSON.stringify(result).includes(ENV_TOKEN));
  });

  test('a secret-looking name is redacted everywhere, as other captures are', async () => {
    const result = await run([
      {
        name: 'login',
        request: { method: 'POST', url: '/orders' },
        capture: { api_token: { value: FIXED_TOKEN } },
      },
      // The service echoes the token back, and a failing assertion shows it as its actual value.
      {
        name: 'echo',
        request: { url: '/echo', headers: { 'X-Token': '{{ api_token }}' } },
        expect: { json: { '$.headers.x-token': 'nope' } },
      },
    ]);
    assert.equal(result.steps[1]?.status, 'fail');
    const text = JSON.stringify(result);
    assert.ok(!text.includes(FIXED_TOKEN), text);
    assert.match(text, /\[redacted\]/);
  });

  test('a template naming nothing known fails the capture and says why', async () => {
    const result = await run([
      {
        name: 'create',
        request: { method: 'POST', url: '/orders' },
        capture: { label: { value: '{{ nope }}' } },
      },
    ]);
    assert.equal(result.steps[0]?.status, 'fail');
    assert.match(result.steps[0]?.failures?.[0]?.message ?? '', /^capture label: .*nope/);
  });
});
