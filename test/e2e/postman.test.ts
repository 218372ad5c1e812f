/**
 * `preflight import postman`: a collection written here for the example shop (folders, a
 * base URL variable, bearer auth, captures, common pm.test assertions, a secret in the
 * environment, and a few lines no converter can take) becomes a plan that validates and
 * runs GO with `--var baseUrl=URL`; the lines that were not converted are listed one by one.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/result.js';
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

describe('preflight import postman', () => {
  test('a collection for the example converts, validates, runs GO; unconverted lines are listed', async () => {
    const dir = await copyExample();
    await writeFile(path.join(dir, 'shop.postman_collection.json'), JSON.stringify(COLLECTION, null, 2));
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
    const unsupported = imported.stderr.split('\n').filter((l) => l.startsWith('not converted: '));
    assert.ok(
      unsupported.some((l) =>
        /Browse › List books \[test script, line 14\]: if \(jsonData\.items\.length > 3\)/.test(l),
      ),
      imported.stderr,
    );
    assert.ok(
      unsupported.some((l) =>
        /\[test script, line 15\]: postman\.setNextRequest\("Product detail"\);/.test(l),
      ),
    );
    assert.ok(
      unsupported.some((l) => /Product detail \[test script, line 5\]: .*to\.be\.a\("number"\)/.test(l)),
    );
    assert.ok(unsupported.some((l) => /variable password: looks secret.*PASSWORD/.test(l)));
    assert.equal(
      unsupported.filter((l) => l.includes('[test script, line 14]')).length,
      1,
      'one note per line',
    );
    const plan = await readFile(path.join(dir, 'postman.yaml'), 'utf8');
    assert.doesNotMatch(
      plan,
      new RegExp(SECRET_PASSWORD),
      'a secret from the environment never reaches the plan',
    );
    assert.match(plan, /^# yaml-language-server: \$schema=/);
    assert.match(plan, /url: http:\/\/127\.0\.0\.1:9/);
    assert.match(plan, /password: "\{\{ secrets\.PASSWORD \}\}"/);
    assert.match(plan, /capture: \{ productId: "\$\.items\[0\]\.id" \}/);
    assert.match(plan, /Authorization: "Bearer \{\{ token \}\}"/);
    assert.match(plan, /\$\.name: \{ type: string \}/, 'to.be.a("string") becomes a type matcher');
    assert.match(plan, /max_ms: 2000/);
    assert.match(
      plan,
      /# {3}- Browse › List books \[test script, line 14\]/,
      'the notes are kept in the plan too',
    );

    const validate = await runCli(['validate', '--plan', 'postman.yaml'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /2 critical paths/);

    await withShop(dir, async (url) => {
      const run = await runCli(
        ['run', '--plan', 'postman.yaml', '--var', `baseUrl=${url}`, '--json', 'out.json', '--no-store'],
        {
          cwd: dir,
          env: { PASSWORD: SECRET_PASSWORD },
        },
      );
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const result = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      assert.deepEqual(
        result.paths.map((p) => p.name),
        ['Browse', 'Account'],
      );
      const steps = result.paths.flatMap((p) => p.steps);
      assert.equal(steps.length, 6);
      for (const s of steps)
        assert.equal(s.status, 'pass', `${s.name}: ${JSON.stringify(s.failures ?? s.error)}`);
      assert.doesNotMatch(
        run.stdout + (await readFile(path.join(dir, 'out.json'), 'utf8')),
        new RegExp(SECRET_PASSWORD),
      );
      // `preflight run` also takes the collection itself.
      const direct = await runCli(
        ['run', '--plan', 'shop.postman_collection.json', '--var', `baseUrl=${url}`, '--no-store'],
        {
          cwd: dir,
        },
      );
      assert.equal(direct.code, 0, `${direct.stdout}\n${direct.stderr}`);
      assert.match(direct.stdout, /2 critical paths passed/);
    });
  });

  test('a file that is not a v2.1 collection is refused (exit 2)', async () => {
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
    assert.match(res.stderr, /not a Postman collection v2\.1/);
  });
});
