/**
 * `preflight import postman`: a collection written here for the example shop (folders, a
 * base URL variable, bearer auth, captures, common pm.test assertions, a secret in the
 * environment, a literal token pasted into a header, a line with no equivalent) becomes a
 * plan that opens with a short summary, validates, and runs GO with `--var baseUrl=URL`;
 * the details go to the import report. An unknown `--var` is refused. The collection also
 * runs directly, without a start command.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, runCli, withShop } from '../support/cli.js';

const SECRET_PASSWORD = 'pm-very-secret-password-42';
const json = (raw: unknown) => ({
  mode: 'raw',
  raw: JSON.stringify(raw),
  options: { raw: { language: 'json' } },
});
const tests = (...exec: string[]) => [{ listen: 'test', script: { type: 'text/javascript', exec } }];

const COLLECTION = {
  info: { name: 'Shop API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  variable: [
    { key: 'baseUrl', value: 'http://localhost:8000' },
    { key: 'category', value: 'books' },
  ],
  item: [
    {
      name: 'Browse',
      item: [
        {
          name: 'Health',
          request: { method: 'GET', url: '{{baseUrl}}/healthz' },
          event: tests(
            'pm.test("up", function () {',
            '  pm.response.to.have.status(200);',
            '  pm.expect(pm.response.json().status).to.eql("ok");',
            '});',
          ),
        },
        {
          name: 'List books',
          request: {
            method: 'GET',
            url: {
              raw: '{{baseUrl}}/products?category={{category}}&limit=5',
              query: [
                { key: 'category', value: '{{category}}' },
                { key: 'limit', value: '5' },
                { key: 'offset', value: '0', disabled: true },
              ],
            },
          },
          event: tests(
            'const jsonData = pm.response.json();',
            'pm.test("Status code is 200", function () {',
            '    pm.response.to.have.status(200);',
            '});',
            'pm.test("only books", () => {',
            '    pm.expect(jsonData.items).to.be.an("array");',
            '    pm.expect(jsonData.items[0].category).to.eql(pm.collectionVariables.get("category"));',
            '    pm.expect(jsonData.total).to.be.above(0);',
            '    pm.expect(jsonData).to.have.property("limit", 5);',
            '});',
            'pm.test("fast", () => pm.expect(pm.response.responseTime).to.be.below(2000));',
            'pm.response.to.have.header("Cache-Control");',
            'pm.environment.set("productId", jsonData.items[0].id);',
            'if (jsonData.items.length > 3) { console.log("many books"); }',
            'postman.setNextRequest("Product detail");',
          ),
        },
        {
          name: 'Product detail',
          request: {
            method: 'GET',
            url: { raw: '{{baseUrl}}/products/:id', variable: [{ key: 'id', value: '{{productId}}' }] },
          },
          event: tests(
            'pm.test("the product", function () {',
            '    pm.expect(pm.response.code).to.equal(200);',
            '    pm.expect(pm.response.json().id).to.eql(pm.environment.get("productId"));',
            '    pm.expect(pm.response.json().name).to.be.a("string");',
            '    pm.expect(pm.response.json().price_cents).to.be.a("number");',
            '});',
          ),
        },
      ],
    },
    {
      name: 'Account',
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
      item: [
        {
          name: 'Sign up',
          request: {
            auth: { type: 'noauth' },
            method: 'POST',
            header: [{ key: 'Content-Type', value: 'application/json' }],
            url: '{{baseUrl}}/auth/signup',
            body: json({ email: 'pm-{{$guid}}@shop.test', password: '{{password}}', name: 'Postman' }),
          },
          event: tests(
            'pm.test("created", () => pm.response.to.have.status(201));',
            'pm.environment.set("email", pm.response.json().email);',
          ),
        },
        {
          name: 'Log in',
          request: {
            auth: { type: 'noauth' },
            method: 'POST',
            url: '{{baseUrl}}/auth/login',
            body: json({ email: '{{email}}', password: '{{password}}' }),
          },
          event: tests(
            'pm.test("token", function () {',
            '    pm.response.to.have.status(200);',
            '    pm.expect(pm.response.json().token_type).to.eql("bearer");',
            '});',
            'pm.environment.set("token", pm.response.json().token);',
          ),
        },
        {
          name: 'Me',
          request: { method: 'GET', url: '{{baseUrl}}/me' },
          event: tests(
            'pm.test("my profile", function () {',
            '    pm.response.to.have.status(200);',
            '    pm.expect(pm.response.json().email).to.eql(pm.environment.get("email"));',
            '    pm.expect(pm.response.headers.get("Cache-Control")).to.include("private");',
            '});',
          ),
        },
      ],
    },
  ],
};

const ENVIRONMENT = {
  name: 'local',
  values: [
    { key: 'baseUrl', value: 'http://127.0.0.1:9', enabled: true },
    { key: 'password', value: SECRET_PASSWORD, type: 'secret', enabled: true },
  ],
};

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.literal-token-in-a-header';

describe('preflight import postman', () => {
  test('a collection for the example converts, validates and runs GO; the plan opens with a summary, the details go to a report', async () => {
    const dir = await copyExample();
    const collection = structuredClone(COLLECTION) as typeof COLLECTION & { item: unknown[] };
    // A literal bearer token pasted into a header, as collections often hold one.
    collection.item.push({
      name: 'Pasted',
      item: [
        {
          name: 'Me with a pasted token',
          request: {
            method: 'GET',
            url: '{{baseUrl}}/me',
            header: [{ key: 'Authorization', value: `Bearer ${TOKEN}` }],
          },
          event: tests('pm.test("refused", () => pm.response.to.have.status(401));'),
        },
      ],
    });
    await writeFile(path.join(dir, 'shop.postman_collection.json'), JSON.stringify(collection, null, 2));
    await writeFile(path.join(dir, 'local.postman_environment.json'), JSON.stringify(ENVIRONMENT));
    const imported = await runCli(
      [
        'import',
        'postman',
        'shop.postman_collection.json',
        '--env',
        'local.postman_environment.json',
        '--out',
        'postman.yaml',
      ],
      { cwd: dir },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stdout,
      /wrote postman\.yaml: 7 requests, 9 assertions \(9 declarative, 0 kept as script\); report: postman\.import\.md/,
    );
    const plan = await readFile(path.join(dir, 'postman.yaml'), 'utf8');
    const report = await readFile(path.join(dir, 'postman.import.md'), 'utf8');
    for (const text of [plan, report, imported.stdout, imported.stderr]) {
      assert.doesNotMatch(
        text,
        new RegExp(SECRET_PASSWORD),
        'a secret from the environment never reaches the plan',
      );
      assert.doesNotMatch(
        text,
        new RegExp(TOKEN.replace(/\./g, '\\.')),
        'a literal token never reaches the plan',
      );
    }
    const comments = plan.split('\n').filter((l) => l.startsWith('#'));
    assert.ok(
      comments.length <= 8,
      `the plan opens with a short summary, not the whole report:\n${comments.join('\n')}`,
    );
    assert.match(
      plan,
      /# 7 requests, 9 assertions: 9 declarative, 0 kept as script \(run in a sandbox\); details in postman\.import\.md\./,
    );
    assert.match(plan, /# Secrets it needs \(environment or secrets file\): PASSWORD, AUTHORIZATION\./);
    assert.match(plan, /Authorization: "Bearer \{\{ secrets\.AUTHORIZATION \}\}"/);
    assert.match(plan, /^ {2}url: http:\/\/127\.0\.0\.1:9$/m, 'the base URL variable is the service URL');
    assert.match(plan, /^ {2}baseUrl: "\{\{ service\.url \}\}"$/m);
    assert.match(plan, /^ {2}ready: GET \/healthz$/m, 'a readiness request that needs no credentials');
    assert.match(plan, /on_failure: continue/);
    assert.match(
      plan,
      /query: \{ category: "\{\{ category \}\}", limit: "5" \}/,
      'the query of a URL object',
    );
    assert.match(plan, /capture: \{ productId: "\$\.items\[0\]\.id" \}/);
    assert.match(plan, /- \{ name: fast, max_ms: 2000 \}/);
    assert.match(
      report,
      /postman\.setNextRequest\(\.\.\.\) \(preflight runs every request, in collection order\) is not done/,
    );
    assert.match(report, /- `AUTHORIZATION` \(a literal credential of the collection\)/);

    const validate = await runCli(['validate', '--plan', 'postman.yaml'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(
      validate.stdout,
      /1 critical path, 7 steps, 9 named assertions \(9 declarative, 0 in scripts\)/,
    );

    await withShop(dir, async (url) => {
      const unknown = await runCli(['run', '--plan', 'postman.yaml', '--var', 'baseURL=x', '--no-store'], {
        cwd: dir,
      });
      assert.equal(unknown.code, 2, 'an unknown --var is a usage error');
      assert.match(
        unknown.stderr,
        /--var baseURL: the plan has no variable "baseURL" \(did you mean "baseUrl"\?\)/,
      );
      const run = await runCli(
        ['run', '--plan', 'postman.yaml', '--var', `baseUrl=${url}`, '--json', 'out.json', '--no-store'],
        { cwd: dir, env: { PASSWORD: SECRET_PASSWORD, AUTHORIZATION: 'not-a-valid-token' } },
      );
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const result = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      assert.deepEqual(
        result.paths.map((p) => p.name),
        ['Shop API'],
        'one path: requests in collection order, variables shared across folders',
      );
      const steps = result.paths.flatMap((p) => p.steps);
      assert.deepEqual(
        steps.map((s) => s.name),
        [
          'Browse › Health',
          'Browse › List books',
          'Browse › Product detail',
          'Account › Sign up',
          'Account › Log in',
          'Account › Me',
          'Pasted › Me with a pasted token',
        ],
      );
      for (const s of steps)
        assert.equal(s.status, 'pass', `${s.name}: ${JSON.stringify(s.failures ?? s.error)}`);
      assert.doesNotMatch(
        run.stdout + (await readFile(path.join(dir, 'out.json'), 'utf8')),
        new RegExp(SECRET_PASSWORD),
      );
      // `preflight run` also takes the collection itself, with its environment: no start command, no plan.
      const direct = await runCli(
        [
          'run',
          '--plan',
          'shop.postman_collection.json',
          '--environment',
          'local.postman_environment.json',
          '--base-url',
          url,
          '--no-store',
        ],
        { cwd: dir, env: { AUTHORIZATION: '' } },
      );
      assert.equal(direct.code, 0, `${direct.stdout}\n${direct.stderr}`);
      assert.match(
        direct.stderr,
        /shop\.postman_collection\.json: 7 requests, 9 assertions \(9 declarative, 0 kept as script\)/,
      );
      assert.match(direct.stdout, /1 critical path passed/);
    });
  });

  test('a file that is not a v2.0/v2.1 collection is refused (exit 2)', async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'old.json'),
      JSON.stringify({
        info: { schema: 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json' },
        item: [],
      }),
    );
    const res = await runCli(['import', 'postman', 'old.json', '--out', 'x.yaml'], { cwd: dir });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /not a Postman collection v2\.0 or v2\.1/);
  });
});
