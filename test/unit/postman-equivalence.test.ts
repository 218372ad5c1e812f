/**
 * Converted scripts mean what they meant: each script runs as written in Newman's sandbox
 * (postman-sandbox, through the ScriptHost worker) and, converted, as named assertions on the
 * same responses; every test has the same outcome in both (a test the script did not reach
 * is a skipped assertion), and the captures take the values the script set.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { convertScript } from '../../src/ecosystem/postman/js/convert-script.js';
import { VariableMap } from '../../src/ecosystem/postman/variables.js';
import { captureValues } from '../../src/http/capture.js';
import { PathCookies } from '../../src/http/cookies.js';
import { evaluateNamedAssertions } from '../../src/http/named-assertions.js';
import { ReceivedResponse } from '../../src/http/response.js';
import { ScriptHost } from '../../src/http/script-host.js';
import { renderTemplate } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';

const host = new ScriptHost();
after(() => host.close());

interface Case {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  vars?: Record<string, unknown>;
}

function response(c: Case): ReceivedResponse {
  const text = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
  return new ReceivedResponse({
    url: 'http://127.0.0.1/x',
    status: c.status,
    headers: { 'content-type': typeof c.body === 'string' ? 'text/html' : 'application/json', ...c.headers },
    body: Buffer.from(text),
    truncated: false,
    ttfbMs: 3,
    durationMs: 5,
  });
}

/** `requestBody`: the request's raw body, as the script's pm.request sees it. */
async function compare(source: string, cases: Case[], requestBody?: string): Promise<void> {
  const converted = convertScript(source, 'test', { vars: new VariableMap([]), requestRaw: requestBody });
  assert.equal(
    converted.kept,
    undefined,
    `fully converted: ${converted.reasons.map((r) => r.why).join('; ')}`,
  );
  for (const c of cases) {
    const res = response(c);
    const vars = new Map(Object.entries(c.vars ?? {}));
    const reply = await host.run({
      listen: 'test',
      code: source,
      variables: c.vars ?? {},
      request: {
        method: 'GET',
        url: res.url,
        headers: [],
        ...(requestBody !== undefined ? { body: requestBody } : {}),
      },
      response: {
        code: res.status,
        reason: '',
        headers: Object.entries(res.headerRecord()),
        body: res.body.toString('base64'),
        responseTime: 5,
        cookies: [],
      },
    });
    // As a step renders them: templates ({{ email }}) take the variables' values first.
    const scope = {
      env: {},
      secret: () => undefined,
      run: { id: 'r', dir: '/tmp' },
      service: { url: '' },
      vars,
      redactor: new Redactor(),
    };
    const ours = evaluateNamedAssertions(renderTemplate(converted.assertions, scope), res, vars).outcomes;
    const label = `${c.status} ${JSON.stringify(c.body).slice(0, 60)}`;
    const theirs = new Map(reply.assertions.map((a) => [a.name, a.passed ? 'pass' : 'fail']));
    for (const outcome of ours) {
      const expected = theirs.get(outcome.name) ?? 'skip';
      // A legacy script that throws halfway runs none of its later tests (preflight judges them).
      if (expected === 'skip' && reply.error) continue;
      assert.equal(
        outcome.status,
        expected,
        `${outcome.name} on ${label}: ${outcome.message ?? ''} (sandbox: ${reply.error ?? 'ok'})`,
      );
    }
    assert.equal(ours.length, converted.assertions.length);
    for (const name of theirs.keys())
      assert.ok(
        ours.some((o) => o.name === name),
        `${name} is converted`,
      );
    // The captures as a step takes them (conditions, then the source: JSONPath or fixed value).
    const context = { response: res, cookies: new PathCookies(), url: res.url, scope };
    const captured = await captureValues(converted.capture, context);
    for (const name of Object.keys(converted.capture)) {
      // Postman sets a missing value as undefined, null once through the worker (which cannot
      // tell it from a null it set); preflight captures nothing, or the null.
      const ours = captured.values.get(name);
      assert.deepEqual(ours ?? undefined, reply.set[name] ?? undefined, `capture ${name} on ${label}`);
    }
    for (const name of Object.keys(reply.set))
      assert.ok(Object.hasOwn(converted.capture, name), `${name}, set by the script, is captured`);
  }
}

const ARTICLE = {
  slug: 'how-to',
  createdAt: '2026-01-02T03:04:05.678Z',
  tagList: ['dragons', 'training'],
  favoritesCount: 0,
  author: { username: 'jake' },
};

describe('converted scripts against the sandbox', () => {
  test('legacy: locals, guards on the status and on a list, tests read back, a guarded capture', async () => {
    await compare(
      `
      var is200 = responseCode.code === 200;
      tests["Response code is 200"] = is200;
      if (is200) {
        var json = JSON.parse(responseBody);
        tests["has articles"] = json.hasOwnProperty("articles");
        tests["count is an integer"] = Number.isInteger(json.articlesCount);
        if (json.articles.length) {
          var article = json.articles[0];
          tests["has slug"] = article.hasOwnProperty("slug");
          tests["createdAt is ISO 8601"] = /^\\d{4,}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d:[0-5]\\d.\\d+(?:[+-][0-2]\\d:[0-5]\\d|Z)$/.test(article.createdAt);
          tests["tagList is an array"] = Array.isArray(article.tagList);
          tests["first tag is dragons"] = article.tagList[0] === "dragons";
          tests["no favorites"] = article.favoritesCount === 0;
          tests["by jake"] = article.author.username === "jake";
          if (tests["has slug"]) { pm.globals.set("slug", article.slug); }
        } else {
          tests["count is 0 when empty"] = json.articlesCount === 0;
        }
      }
      tests["fast"] = responseTime < 1000;
      `,
      [
        { status: 200, body: { articles: [ARTICLE], articlesCount: 1 } },
        {
          status: 200,
          body: {
            articles: [
              { ...ARTICLE, tagList: ['training', 'dragons'], createdAt: 'yesterday', favoritesCount: 2 },
            ],
            articlesCount: '1',
          },
        },
        { status: 200, body: { articles: [{ author: { username: 'finn' } }], articlesCount: 1 } },
        { status: 200, body: { articles: [], articlesCount: 0 } },
        { status: 200, body: { articles: [], articlesCount: 3 } },
        { status: 401, body: { errors: { body: ['unauthorized'] } } },
        { status: 500, body: '<html>Internal Server Error</html>' },
      ],
    );
  });

  test('pm API: chains, else-if branches, pm.expect.fail, variables in conditions and operands', async () => {
    await compare(
      `
      if (!pm.environment.get("skipChecks")) {
        pm.test("status is 200 or 201", () => pm.expect(pm.response.code).to.be.oneOf([200, 201]));
      }
      if (pm.response.code === 200) {
        const body = pm.response.json();
        pm.test("token", function () {
          pm.expect(body.access_token).to.be.a("string").and.not.be.empty;
          pm.expect(body.token_type).to.eql("bearer");
          pm.expect(body).to.have.property("expires_in").that.is.above(0);
        });
        pm.test("user is the one signed up", () => pm.expect(body.email).to.eql(pm.environment.get("email")));
        pm.collectionVariables.set("access_token", body.access_token);
      } else if (pm.response.code === 403) {
        pm.test("forbidden says why", () => pm.expect(pm.response.json().detail).to.include("role"));
      } else {
        pm.test("unexpected", () => { pm.expect.fail("unexpected status"); });
      }
      pm.test("content type", () => pm.response.to.have.header("Content-Type"));
      pm.test("success", () => pm.response.to.be.success);
      pm.test("no error", () => pm.response.to.not.be.error);
      pm.test("items", () => { pm.expect(pm.response.json().items).to.be.an("array").that.has.lengthOf(2); });
      `,
      [
        {
          status: 200,
          body: { access_token: 'abc', token_type: 'bearer', expires_in: 60, email: 'a@b.c', items: [1, 2] },
          vars: { email: 'a@b.c' },
        },
        {
          status: 200,
          body: { access_token: '', token_type: 'Bearer', expires_in: 0, email: 'x@b.c', items: [1] },
          vars: { email: 'a@b.c' },
        },
        {
          status: 200,
          body: { token_type: 'bearer', email: 'a@b.c' },
          vars: { email: 'a@b.c', skipChecks: true },
        },
        { status: 403, body: { detail: 'Admin role required' }, vars: { email: 'a@b.c' } },
        { status: 403, body: { detail: 'nope' }, vars: { email: 'a@b.c' } },
        { status: 500, body: { detail: 'boom' }, vars: { email: 'a@b.c' } },
      ],
    );
  });

  test('a value returned from a test is ignored: destructured reads, a capture, `in` that throws', async () => {
    await compare(
      `
      pm.test("Has an access token", function () {
        const {data} = pm.response.json();
        pm.environment.set('token', data.jwt.accessToken);
        return 'accessToken' in data.jwt;
      });
      pm.test("Has error message", function () {
        const {error} = pm.response.json();
        return 'messages' in error.messages;
      });
      pm.test("no error", () => { pm.expect(pm.response.json().result.error).to.be.undefined; });
      `,
      [
        { status: 200, body: { data: { jwt: { accessToken: 'abc' } } } },
        { status: 200, body: { data: { jwt: {} } } },
        { status: 200, body: { data: { jwt: ['x'] } } },
        { status: 200, body: { data: { jwt: 'abc' } } },
        { status: 200, body: { data: { jwt: 5 } } },
        { status: 200, body: { data: { jwt: null } } },
        { status: 200, body: { data: {} } },
        { status: 200, body: { data: null } },
        { status: 200, body: { data: 'text' } },
        { status: 200, body: {} },
        { status: 200, body: [] },
        { status: 200, body: 'null' },
        { status: 200, body: '7' },
        { status: 400, body: { error: { messages: { email: 'bad' } } } },
        { status: 400, body: { error: { messages: [] } } },
        { status: 400, body: { error: { messages: 'bad' } } },
        { status: 400, body: { error: { messages: null } } },
        { status: 400, body: { error: 'bad' } },
        { status: 400, body: { error: null } },
        { status: 200, body: { result: {} } },
        { status: 200, body: { result: { error: 'x' } } },
        { status: 200, body: { result: null } },
        { status: 500, body: '<html>Internal Server Error</html>' },
      ],
    );
  });

  test('a variable set in a test after its expects is set only when they passed', async () => {
    await compare(
      `
      const response = pm.response.json();
      pm.test("created", () => {
        pm.expect(response).to.have.property("id");
        pm.expect(response.message).to.eql("created");
        pm.collectionVariables.set("user_id", response.id);
        pm.expect(response.user.name).to.be.a("string");
        pm.collectionVariables.set("user_name", response.user.name);
      });
      `,
      [
        { status: 201, body: { id: 7, message: 'created', user: { name: 'Hugh' } } },
        { status: 201, body: { id: 7, message: 'created', user: { name: 5 } } },
        { status: 201, body: { id: 7, message: 'created', user: null } },
        { status: 201, body: { id: 7, message: 'created' } },
        { status: 201, body: { id: 7, message: 'exists', user: { name: 'Hugh' } } },
        { status: 201, body: { id: null, message: 'created', user: { name: 'Hugh' } } },
        { status: 201, body: { message: 'created', user: { name: 'Hugh' } } },
        { status: 201, body: 'null' },
        { status: 500, body: '<html>Internal Server Error</html>' },
      ],
    );
  });

  test("a variable set after the expects to a field of the request's own body: set only when they passed", async () => {
    await compare(
      `
      pm.test("Status code is 201", () => {
          pm.response.to.have.status(201);
      });
      const response = pm.response.json();
      const requestBody = JSON.parse(pm.request.body.raw);
      pm.test("Response contains correct properties", () => {
          pm.expect(response).to.have.property("id");
          pm.expect(response).to.have.property("message");

          pm.collectionVariables.set("user_id", response.id);
          pm.collectionVariables.set("user_name", requestBody.name);
          pm.environment.set("user_age", requestBody.age);
          pm.globals.set("user_admin", requestBody.admin);
          pm.collectionVariables.set("user_manager", requestBody.manager);
          postman.setEnvironmentVariable("user_age_text", requestBody.age);
      });
      `,
      [
        { status: 201, body: { id: 7, message: 'created' } },
        { status: 201, body: { message: 'created' } },
        { status: 201, body: { id: 7 } },
        { status: 201, body: { id: null, message: null } },
        { status: 201, body: {} },
        { status: 201, body: 'null' },
        { status: 201, body: '[1]' },
        { status: 400, body: { id: 7, message: 'created' } },
        { status: 500, body: '<html>Internal Server Error</html>' },
      ],
      '{\r\n  "name": "Hugh Man",\r\n  "age": 41,\r\n  "admin": false,\r\n  "manager": null\r\n}',
    );
  });

  test("values of the request's own JSON body", async () => {
    await compare(
      `
      const response = pm.response.json();
      const requestBody = JSON.parse(pm.request.body.raw);
      pm.test("name and email match the request", () => {
        pm.expect(response.user.name).to.equal(requestBody.name);
        pm.expect(response.user.email).to.eql(requestBody.email);
        pm.expect(response.user.tags).to.eql(requestBody.tags);
        pm.expect(response.user.age).to.equal(requestBody.profile.age);
      });
      `,
      [
        { status: 200, body: { user: { name: 'Hugh Mann', email: 'h@x.io', tags: ['a'], age: 41 } } },
        { status: 200, body: { user: { name: 'Hugh', email: 'h@x.io', tags: ['a'], age: 41 } } },
        { status: 200, body: { user: { name: 'Hugh Mann', email: 'h@x.io', tags: [], age: 41 } } },
        { status: 200, body: { user: { name: 'Hugh Mann', email: 'h@x.io', tags: ['a'], age: '41' } } },
        { status: 200, body: { user: { name: 'Hugh Mann' } } },
        { status: 200, body: { user: null } },
        { status: 200, body: {} },
        { status: 500, body: '<html>Internal Server Error</html>' },
      ],
      '{\r\n  "name": "Hugh Mann",\r\n  "email": "h@x.io",\r\n  "tags": ["a"],\r\n  "profile": {"age": 41}\r\n}',
    );
  });
});
