import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateExpect } from '../../src/http/assert.js';
import { matchValue } from '../../src/http/matcher.js';
import { ReceivedResponse } from '../../src/http/response.js';
import type { Matcher } from '../../src/plan/schema.js';

// No server here: matchers and expect are pure functions over a received response.
function response(body: unknown, headers: Record<string, string> = {}): ReceivedResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new ReceivedResponse({
    url: 'http://127.0.0.1:1/x',
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(text),
    truncated: false,
    ttfbMs: 1,
    durationMs: 2,
  });
}

const doc = {
  total: 0,
  price: 12.5,
  count: 3,
  name: 'Alice',
  tags: ['a', 'b'],
  nil: null,
  items: [{ id: 1 }],
};

describe('matchValue operators', () => {
  const cases: [string, unknown, Matcher, boolean][] = [
    ['literal equal', { a: [1] }, { eq: { a: [1] } }, true],
    ['literal differs', 1, 2, false],
    ['literal null', null, null, true],
    ['eq deep', [1, { b: 2 }], { eq: [1, { b: 2 }] }, true],
    ['eq differs', [1], { eq: [2] }, false],
    ['ne holds', 1, { ne: 2 }, true],
    ['ne fails', 'x', { ne: 'x' }, false],
    ['gt holds', 2, { gt: 1 }, true],
    ['gt fails', 0, { gt: 0 }, false],
    ['gt on a string fails', '5', { gt: 1 }, false],
    ['gte holds', 1, { gte: 1 }, true],
    ['gte fails', 0.5, { gte: 1 }, false],
    ['lt holds', 1, { lt: 2 }, true],
    ['lt fails', 2, { lt: 2 }, false],
    ['lte holds', 2, { lte: 2 }, true],
    ['lte fails', 3, { lte: 2 }, false],
    ['type string', 'x', { type: 'string' }, true],
    ['type integer', 3, { type: 'integer' }, true],
    ['type integer fails on 3.5', 3.5, { type: 'integer' }, false],
    ['type number', 3.5, { type: 'number' }, true],
    ['type number holds on a whole number (as in JSON Schema)', 3, { type: 'number' }, true],
    ['type number fails on a string', '3', { type: 'number' }, false],
    ['type null', null, { type: 'null' }, true],
    ['type array', [], { type: 'array' }, true],
    ['type object fails on array', [], { type: 'object' }, false],
    ['type boolean', false, { type: 'boolean' }, true],
    ['match holds', 'order-123', { match: '^order-\\d+$' }, true],
    ['match on number', 404, { match: '^4' }, true],
    ['match fails', 'x', { match: '^y' }, false],
    ['match fails on nothing', undefined, { match: 'undefined' }, false],
    ['contains substring', 'hello world', { contains: 'lo w' }, true],
    ['contains element', [{ id: 1 }, { id: 2 }], { contains: { id: 2 } }, true],
    ['contains fails', ['a'], { contains: 'b' }, false],
    ['exists true', null, { exists: true }, true],
    ['exists true fails on nothing', undefined, { exists: true }, false],
    ['exists false holds on nothing', undefined, { exists: false }, true],
    ['exists false fails', 0, { exists: false }, false],
    ['length string', 'abc', { length: 3 }, true],
    ['length array fails', [1], { length: 2 }, false],
    ['in holds', 'b', { in: ['a', 'b'] }, true],
    ['in fails', 'c', { in: ['a', 'b'] }, false],
    ['several operators all hold', 5, { gt: 1, lt: 10, type: 'integer' }, true],
  ];
  for (const [name, actual, matcher, holds] of cases) {
    test(name, () => {
      assert.equal(
        matchValue(actual, matcher).length === 0,
        holds,
        JSON.stringify(matchValue(actual, matcher)),
      );
    });
  }

  test('one failure per failing operator, with the operator as expected', () => {
    const failures = matchValue(20, { gt: 1, lt: 10, type: 'string' });
    assert.deepEqual(
      failures.map((f) => f.expected),
      [{ lt: 10 }, { type: 'string' }],
    );
    assert.equal(failures[0]?.message, 'expected < 10, got 20');
  });

  test('an invalid regular expression is a failure, not a throw', () => {
    const [failure] = matchValue('x', { match: '(' });
    assert.match(failure?.message ?? '', /invalid matcher match/);
  });
});

describe('evaluateExpect', () => {
  test('json assertions name the path and say expected vs got', () => {
    const failures = evaluateExpect(
      { json: { '$.total': { gt: 0 }, '$.name': 'Alice', '$.price': { lt: 10 } } },
      response(doc),
    );
    assert.deepEqual(failures, [
      {
        assertion: 'json $.total',
        expected: { gt: 0 },
        actual: 0,
        message: 'json $.total: expected > 0, got 0',
      },
      {
        assertion: 'json $.price',
        expected: { lt: 10 },
        actual: 12.5,
        message: 'json $.price: expected < 10, got 12.5',
      },
    ]);
  });

  test('a JSONPath that matches nothing gives undefined: exists:false holds, a literal fails', () => {
    const failures = evaluateExpect({ json: { '$.missing': { exists: false }, '$.gone': 1 } }, response(doc));
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.assertion, 'json $.gone');
    assert.equal(failures[0]?.actual, undefined);
    assert.equal(failures[0]?.message, 'json $.gone: expected 1, got nothing');
  });

  test('json paths into arrays and nulls', () => {
    const failures = evaluateExpect(
      { json: { '$.items[0].id': 1, '$.tags': { length: 2, contains: 'a' }, '$.nil': null } },
      response(doc),
    );
    assert.deepEqual(failures, []);
  });

  test('json assertions on a body that is not JSON fail once with the body as actual', () => {
    const failures = evaluateExpect(
      { json: { '$.a': 1 } },
      response('<html>oops</html>', { 'content-type': 'text/html' }),
    );
    assert.deepEqual(failures, [
      {
        assertion: 'json',
        expected: 'a JSON body',
        actual: '<html>oops</html>',
        message: 'json: response body is not JSON',
      },
    ]);
  });

  test('header matchers are case-insensitive and compare numbers given as text', () => {
    const res = response(doc, { 'x-count': '3', 'cache-control': 'no-store' });
    assert.deepEqual(
      evaluateExpect({ headers: { 'X-Count': 3, 'Cache-Control': { match: 'no-store' } } }, res),
      [],
    );
    assert.deepEqual(
      evaluateExpect({ headers: { 'x-count': { gte: 3 }, 'x-none': { exists: false } } }, res),
      [],
    );
    const failures = evaluateExpect(
      { headers: { 'Content-Type': { match: 'text/html' }, 'X-Count': 4 } },
      res,
    );
    assert.deepEqual(
      failures.map((f) => [f.assertion, f.actual]),
      [
        ['header content-type', 'application/json'],
        ['header x-count', '3'],
      ],
    );
  });

  test('body contains, not_contains and match', () => {
    const res = response('hello shop world', { 'content-type': 'text/plain' });
    assert.deepEqual(
      evaluateExpect({ body: { contains: 'shop', not_contains: 'error', match: '^hello' } }, res),
      [],
    );
    const failures = evaluateExpect({ body: { contains: 'cart', not_contains: 'shop', match: '\\d+' } }, res);
    assert.deepEqual(
      failures.map((f) => f.assertion),
      ['body contains', 'body not_contains', 'body match'],
    );
    assert.equal(failures[0]?.message, 'body contains: expected the body to contain "cart"');
  });

  test('status as a number and as a list', () => {
    assert.deepEqual(evaluateExpect({ status: [200, 204] }, response(doc)), []);
    assert.equal(evaluateExpect({ status: 201 }, response(doc))[0]?.message, 'status: expected 201, got 200');
  });

  test('max_ms compares to the attempt duration', () => {
    assert.deepEqual(evaluateExpect({ max_ms: 5 }, response(doc)), []);
    const [failure] = evaluateExpect({ max_ms: 1 }, response(doc));
    assert.equal(failure?.assertion, 'max_ms');
    assert.equal(failure?.actual, 2);
  });
});
