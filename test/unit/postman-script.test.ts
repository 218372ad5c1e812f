/**
 * Postman test scripts, line by line: the common assertions and captures become expect and
 * capture; every other line comes back with its number and a reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertTestScript } from '../../src/ecosystem/postman/script.js';
import { VariableMap } from '../../src/ecosystem/postman/variables.js';

function convert(...lines: string[]) {
  return convertTestScript(lines, new VariableMap([]));
}

describe('Postman test scripts', () => {
  test('status, JSON, header, body and time assertions become one expect', () => {
    const out = convert(
      'var body = pm.response.json();',
      'pm.test("ok", function () {',
      '  pm.expect(pm.response.code).to.be.oneOf([200, 201]);',
      '  pm.expect(body.items.length).to.be.at.least(1);',
      '  pm.expect(body.items.length).to.be.at.most(5);',
      '  pm.expect(body["total-count"]).to.not.eql(0);',
      '  pm.expect(body.tags).to.include("new");',
      '  pm.expect(body.owner).to.exist;',
      '  pm.expect(body.deleted).to.be.false;',
      '  pm.expect(body.id).to.match(/^[0-9]+$/);',
      '});',
      'pm.test("h", () => pm.response.to.have.header("X-Trace", "on"));',
      'pm.expect(pm.response.text()).to.include("items");',
      'pm.expect(pm.response.responseTime).to.be.at.most(300);',
    );
    assert.deepEqual(out.unsupported, []);
    assert.deepEqual(out.expect, {
      status: [200, 201],
      json: {
        '$.items.length': { gte: 1, lte: 5 },
        "$['total-count']": { ne: 0 },
        '$.tags': { contains: 'new' },
        '$.owner': { exists: true },
        '$.deleted': false,
        '$.id': { match: '^[0-9]+$' },
      },
      headers: { 'x-trace': 'on' },
      body: { contains: 'items' },
      max_ms: 300,
    });
  });

  test('environment, global and collection setters from the response become captures', () => {
    const out = convert(
      'const data = pm.response.json();',
      'pm.environment.set("order-id", data.id);',
      'pm.globals.set("session", pm.cookies.get("sid"));',
      'pm.collectionVariables.set("etag", pm.response.headers.get("ETag"));',
      'pm.environment.set("fixed", "literal");',
    );
    assert.deepEqual(out.capture, { order_id: '$.id', session: { cookie: 'sid' }, etag: { header: 'ETag' } });
    assert.deepEqual(
      out.unsupported.map((u) => u.line),
      [5],
    );
  });

  test('what is not converted is reported with its line and why', () => {
    const out = convert(
      'pm.test("ok", function () {',
      '  pm.response.to.be.ok;',
      '  for (const item of pm.response.json().items) { pm.expect(item.price).to.be.above(0); }',
      '  pm.expect(pm.response.json().price).to.be.a("number");',
      '});',
      '// a comment is not code',
      'console.log(pm.response.json());',
    );
    assert.deepEqual(
      out.unsupported.map((u) => [u.line, u.code.slice(0, 20)]),
      [
        [2, 'pm.response.to.be.ok'],
        [3, 'for (const item of p'],
        [4, 'pm.expect(pm.respons'],
        [7, 'console.log(pm.respo'],
      ],
    );
    assert.match(out.unsupported[2]?.why ?? '', /whole numbers/);
  });
});
