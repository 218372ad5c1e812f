/**
 * A pm.test fails when its function throws, whatever it returns: its reads become facts
 * (destructuring, `'k' in value`, `a.b.c`), the value it returns is ignored (and the import
 * says so), a variable it sets after its expects is captured only when they held, and the
 * request's own fixed JSON body is read as literals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertScript } from '../../src/ecosystem/postman/js/convert-script.js';
import { VariableMap } from '../../src/ecosystem/postman/variables.js';

const test_ = (source: string, requestRaw?: string) =>
  convertScript(source, 'test', { vars: new VariableMap([]), requestRaw });

describe('what a test reads', () => {
  test('a destructured body and a returned `in` test: a JSON Schema of the reads, a capture, a note', () => {
    const out = test_(`
      pm.test("Has an access token", function () {
        const {data} = pm.response.json();
        pm.environment.set('token', data.jwt.accessToken);
        return 'accessToken' in data.jwt;
      });
    `);
    assert.equal(out.kept, undefined, out.reasons.map((r) => r.why).join('; '));
    assert.deepEqual(out.counts, { assertions: 1, converted: 1 });
    assert.deepEqual(out.assertions, [
      {
        name: 'Has an access token',
        schema: {
          type: 'object',
          required: ['data'],
          properties: {
            data: {
              type: 'object',
              required: ['jwt'],
              properties: { jwt: { type: ['object', 'array'] } },
            },
          },
        },
      },
    ]);
    // Where the read before it would throw, the capture finds nothing either: no condition.
    assert.deepEqual(out.capture, { token: '$.data.jwt.accessToken' });
    assert.equal(out.notes.length, 1);
    assert.match(
      out.notes[0] ?? '',
      /ignores the value its function returns \(`'accessToken' in data\.jwt`\)/,
    );
  });

  test('reads the assertions do not imply are asserted; a read of a prototype name is kept', () => {
    const out = test_(`
      const json = pm.response.json();
      pm.test("no error", () => { pm.expect(json.result.error).to.be.undefined; });
      pm.test("parses", () => { const {id} = json; });
      pm.test("length", () => { return 'x' in json.items.length; });
    `);
    assert.deepEqual(out.assertions, [
      {
        name: 'no error',
        json: { '$.result': { exists: true, ne: null }, '$.result.error': { exists: false } },
      },
      { name: 'parses', json: { $: { exists: true, ne: null } } },
    ]);
    assert.match(out.reasons[0]?.why ?? '', /"length", which strings or arrays also have/);
  });

  test('a variable set after expects is captured when they held; after pm.expect.fail it is kept', () => {
    const out = test_(`
      const response = pm.response.json();
      pm.test("created", () => {
        pm.expect(response).to.have.property("id");
        pm.expect(response.message).to.eql("created");
        pm.collectionVariables.set("user_id", response.id);
      });
      pm.test("never", () => { pm.expect.fail("no"); pm.environment.set("x", response.x); });
    `);
    assert.deepEqual(out.capture, {
      user_id: { json: '$.id', when: { json: { '$.id': { exists: true }, '$.message': 'created' } } },
    });
    assert.deepEqual(out.counts, { assertions: 2, converted: 1 });
    assert.match(out.reasons[0]?.why ?? '', /after pm\.expect\.fail/);
  });

  test("the request's fixed JSON body is read as literals; without it the test is kept", () => {
    const source = `
      const requestBody = JSON.parse(pm.request.body.raw);
      pm.test("echoes the name", () => pm.expect(pm.response.json().name).to.equal(requestBody.name));
    `;
    const out = test_(source, '{\r\n  "name": "Hugh Mann", "tags": ["a"]\r\n}');
    assert.equal(out.kept, undefined, out.reasons.map((r) => r.why).join('; '));
    assert.deepEqual(out.assertions, [{ name: 'echoes the name', json: { '$.name': 'Hugh Mann' } }]);
    assert.equal(test_(source).counts.converted, 0);
    // A field the body does not have is not guessed.
    assert.equal(test_(source, '{"email": "a@b.c"}').counts.converted, 0);
  });

  test("a field of the request's fixed body set after the expects is a capture of that value, when they held", () => {
    const source = `
      const response = pm.response.json();
      const requestBody = JSON.parse(pm.request.body.raw);
      pm.test("Response contains correct properties", () => {
        pm.expect(response).to.have.property("id");
        pm.expect(response).to.have.property("message");
        pm.collectionVariables.set("user_id", response.id);
        pm.collectionVariables.set("user_name", requestBody.name);
        postman.setEnvironmentVariable("user_age", requestBody.age);
      });
    `;
    const out = test_(source, '{\r\n  "name": "Hugh Man",\r\n  "age": 41\r\n}');
    assert.equal(out.kept, undefined, out.reasons.map((r) => r.why).join('; '));
    const when = { json: { '$.id': { exists: true }, '$.message': { exists: true } } };
    assert.deepEqual(out.capture, {
      user_id: { json: '$.id', when },
      user_name: { value: 'Hugh Man', when },
      user_age: { value: 41, text: true, when },
    });
    // Without a fixed body (it has a {{variable}}), requestBody is unknown: the test is kept.
    assert.equal(test_(source).counts.converted, 0);
  });

  test('a fixed value is kept when a plan value cannot say it, or outside a pm.test', () => {
    const why = (source: string, raw = '{"tags": ["a"]}') => test_(source, raw).reasons.map((r) => r.why);
    const inTest = (value: string) => `
      const requestBody = JSON.parse(pm.request.body.raw);
      pm.test("t", () => { pm.response.to.have.status(201); pm.environment.set("x", ${value}); });
    `;
    assert.match(why(inTest('requestBody.tags'))[0] ?? '', /a fixed object or array/);
    assert.match(why(inTest('"{{who}} x"'))[0] ?? '', /with \{\{ in it/);
    assert.match(why(inTest('undefined'))[0] ?? '', /set to undefined/);
    const topLevel = `
      const response = pm.response.json();
      pm.environment.set("x", "fixed");
    `;
    assert.match(why(topLevel)[0] ?? '', /a fixed value outside a pm\.test/);
  });

  test('a test with a done callback is kept (it ends when the callback is called)', () => {
    const out = test_('pm.test("later", function (done) { pm.response.to.have.status(200); done(); });');
    assert.equal(out.counts.converted, 0);
    assert.match(out.reasons[0]?.why ?? '', /done callback/);
  });
});
