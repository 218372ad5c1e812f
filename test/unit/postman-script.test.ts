/**
 * Postman scripts read as syntax trees: both dialects become named assertions, captures and
 * `set`; guards become `when`/`unless`; what is not converted is kept with the declarations
 * it reads, and counted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertScript } from '../../src/ecosystem/postman/js/convert-script.js';
import { VariableMap } from '../../src/ecosystem/postman/variables.js';

const test_ = (source: string) => convertScript(source, 'test', new VariableMap([]));

describe('legacy dialect', () => {
  test('values through locals, a condition bound to a local, if/else guards, a test read back', () => {
    const out = test_(`
      var isOk = responseCode.code === 200;
      tests["status is 200"] = isOk;
      if (isOk) {
        var data = JSON.parse(responseBody);
        var account = data.account || {};
        tests["has id"] = account.hasOwnProperty("id");
        tests["id is a number"] = Number.isInteger(account.id);
        tests["name starts with A"] = /^A/.test(account.name);
        if (data.items.length) {
          tests["first item has a sku"] = "sku" in data.items[0];
        } else {
          tests["count is 0"] = data.count === 0;
        }
        if (tests["has id"]) { postman.setEnvironmentVariable("accountId", account.id); }
      }
      tests["fast"] = responseTime < 500;
      tests["mentions ok"] = responseBody.has("ok");
      tests["json content"] = postman.getResponseHeader("Content-Type").indexOf("json") !== -1;
    `);
    assert.equal(out.kept, undefined, out.reasons.map((r) => r.why).join('; '));
    assert.deepEqual(out.counts, { assertions: 9, converted: 9 });
    const byName = Object.fromEntries(out.assertions.map(({ name, ...rest }) => [name, rest]));
    assert.deepEqual(byName['status is 200'], { status: 200 });
    assert.deepEqual(byName['has id'], { when: { status: 200 }, json: { '$.account.id': { exists: true } } });
    assert.deepEqual(byName['id is a number'], {
      when: { status: 200 },
      json: { '$.account.id': { type: 'integer' } },
    });
    assert.deepEqual(byName['name starts with A'], {
      when: { status: 200 },
      json: { '$.account.name': { match: '^A' } },
    });
    assert.deepEqual(byName['first item has a sku'], {
      when: [{ status: 200 }, { json: { '$.items.length': { truthy: true } } }],
      json: { '$.items[0].sku': { exists: true } },
    });
    assert.deepEqual(byName['count is 0'], {
      when: { status: 200 },
      unless: { json: { '$.items.length': { truthy: true } } },
      json: { '$.count': 0 },
    });
    assert.deepEqual(byName.fast, { max_ms: 500 });
    assert.deepEqual(byName['mentions ok'], { body: { contains: 'ok' } });
    assert.deepEqual(byName['json content'], { headers: { 'content-type': { contains: 'json' } } });
    assert.deepEqual(out.capture, {
      // The legacy setters store text.
      accountId: {
        json: '$.account.id',
        text: true,
        when: [{ status: 200 }, { json: { '$.account.id': { exists: true } } }],
      },
    });
  });

  test('a test that compares with a variable the script just set is kept, with the declarations it reads', () => {
    const out = test_(`
      var json = JSON.parse(responseBody);
      var unused = json.other;
      var user = json.user || {};
      tests["has token"] = user.hasOwnProperty("token");
      pm.globals.set("token", user.token);
      tests["token stored"] = pm.globals.get("token") === user.token;
      console.log("done");
      postman.setNextRequest("Next");
    `);
    assert.deepEqual(out.counts, { assertions: 2, converted: 1 });
    assert.deepEqual(out.capture, { token: '$.user.token' });
    assert.equal(
      out.kept,
      [
        'var json = JSON.parse(responseBody);',
        'var user = json.user || {};',
        'tests["token stored"] = pm.globals.get("token") === user.token;',
        '',
      ].join('\n'),
    );
    assert.match(out.reasons[0]?.why ?? '', /computed value/);
    assert.deepEqual(out.ignored, [
      'postman.setNextRequest(...) (preflight runs every request, in collection order)',
    ]);
  });

  test('kept code that reads a converted test back takes that test with it (it runs once)', () => {
    const out = test_(`
      tests["ok"] = responseCode.code === 200;
      if (tests["ok"]) { for (const x of [1, 2]) tests["item " + x] = true; }
    `);
    assert.deepEqual(out.counts, { assertions: 2, converted: 0 });
    assert.match(out.kept ?? '', /^tests\["ok"\] = responseCode\.code === 200;\nif \(tests\["ok"\]\) \{/);
  });
});

describe('pm API', () => {
  test('chains, response words, if / else if / else with pm.expect.fail', () => {
    const out = test_(`
      if (pm.response.code === 200) {
        const body = pm.response.json();
        pm.test("token", function () {
          pm.expect(body.access_token).to.be.a("string").and.not.be.empty;
          pm.expect(body.token_type).to.eql("bearer");
          pm.expect(body).to.have.property("expires_in").that.is.above(0);
        });
        pm.collectionVariables.set("access_token", body.access_token);
      } else if (pm.response.code === 403) {
        pm.test("forbidden", () => pm.expect(pm.response.json().detail).to.include("role"));
      } else {
        pm.test("unexpected", () => { pm.expect.fail("unexpected status " + pm.response.code); });
      }
      pm.test("2xx or 403", () => pm.expect(pm.response.code).to.be.oneOf([200, 403]));
      pm.test("success", () => pm.response.to.be.success);
      pm.test("json", () => { pm.response.to.be.json; pm.response.to.have.header("X-Trace"); });
      pm.test("jsonBody", () => pm.response.to.have.jsonBody("scope", "read"));
      pm.test("schema", () => pm.response.to.have.jsonSchema({ type: "object", required: ["scope"] }));
      pm.test("quick", () => pm.expect(pm.response.responseTime).to.be.below(800));
      pm.test("range", () => pm.expect(pm.response.json().n).to.be.within(1, 9));
    `);
    assert.equal(out.kept, undefined, out.reasons.map((r) => r.why).join('; '));
    const byName = Object.fromEntries(out.assertions.map(({ name, ...rest }) => [name, rest]));
    assert.deepEqual(byName.token, {
      when: { status: 200 },
      json: {
        '$.access_token': { type: 'string', empty: false },
        '$.token_type': 'bearer',
        '$.expires_in': { exists: true, gt: 0 },
      },
    });
    assert.deepEqual(byName.forbidden, {
      when: { status: 403 },
      unless: { status: 200 },
      json: { '$.detail': { contains: 'role' } },
    });
    assert.deepEqual(byName.unexpected, {
      unless: [{ status: 200 }, { status: 403 }],
      fail: 'pm.expect.fail()',
    });
    assert.deepEqual(byName['2xx or 403'], { status: [200, 403] });
    assert.deepEqual(byName.success, { status: { gte: 200, lt: 300 } });
    assert.deepEqual(byName.json, {
      headers: { 'content-type': { match: 'json' }, 'x-trace': { exists: true } },
      json: { $: { exists: true } },
    });
    assert.deepEqual(byName.jsonBody, { json: { '$.scope': 'read' } });
    assert.deepEqual(byName.schema, { schema: { type: 'object', required: ['scope'] } });
    assert.deepEqual(byName.quick, { max_ms: 800 });
    assert.deepEqual(byName.range, { json: { '$.n': { gte: 1, lte: 9 } } });
    assert.deepEqual(out.capture, { access_token: { json: '$.access_token', when: { status: 200 } } });
  });

  test('variables as operands become templates; an unknown chain keeps its whole test', () => {
    const out = test_(`
      const json = pm.response.json();
      pm.test("same user", () => pm.expect(json.email).to.eql(pm.environment.get("email")));
      pm.test("keys", () => pm.expect(json).to.have.all.keys("id", "email"));
      pm.test("loop", () => { json.items.forEach((i) => pm.expect(i.price).to.be.above(0)); });
    `);
    assert.deepEqual(out.assertions, [{ name: 'same user', json: { '$.email': '{{ email }}' } }]);
    assert.deepEqual(out.counts, { assertions: 3, converted: 1 });
    assert.match(out.kept ?? '', /^const json = pm\.response\.json\(\);\npm\.test\("keys"/);
    assert.equal(out.reasons.length, 2);
  });

  test('a second check of the same kind on one value goes under another spelling of its path', () => {
    const out = test_(
      'pm.test("hello", () => { pm.expect(pm.response.json().message).to.include("Hello"); pm.expect(pm.response.json().message).to.include("route"); });',
    );
    assert.deepEqual(out.assertions, [
      { name: 'hello', json: { '$.message': { contains: 'Hello' }, "$['message']": { contains: 'route' } } },
    ]);
  });

  test('top-level assertions outside a test become the plain expect', () => {
    const out = test_(
      'pm.response.to.have.status(201);\npm.expect(pm.response.headers.get("Location")).to.exist;',
    );
    assert.deepEqual(out.expect, { status: 201, headers: { location: { exists: true, ne: null } } });
    assert.deepEqual(out.counts, { assertions: 0, converted: 0 });
  });
});

describe('pre-request scripts and what cannot be read', () => {
  test('literal and templated sets become set; a computed one is kept', () => {
    const out = convertScript(
      'pm.variables.set("qty", 2);\npm.environment.set("email", "user-" + pm.environment.get("run") + "@shop.test");\npm.environment.set("ts", Date.now());',
      'prerequest',
      new VariableMap([]),
    );
    assert.deepEqual(out.set, { qty: 2, email: 'user-{{ run }}@shop.test' });
    assert.equal(out.kept, 'pm.environment.set("ts", Date.now());\n');
  });

  test('a script that does not parse is kept whole, its tests counted', () => {
    const out = test_('pm.test("a", () => {\ntests["b"] = ');
    assert.equal(out.kept, 'pm.test("a", () => {\ntests["b"] = ');
    assert.deepEqual(out.counts, { assertions: 2, converted: 0 });
    assert.match(out.reasons[0]?.why ?? '', /does not parse/);
  });
});
