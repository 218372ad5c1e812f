/**
 * `preflight init` against the real example shop (started by init, or already running, or
 * from a file), and `schema: openapi` catching a release that breaks its documented contract.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, patchFile, runCli, withShop } from '../support/cli.js';

const START = '.venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}';

async function readJson(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

describe('preflight init from the OpenAPI document', () => {
  test('--start --yes: a plan with the schema line, TODO warnings, schema: openapi, and it runs GO', async () => {
    const dir = await copyExample();
    const init = await runCli(['init', '--start', START, '--yes', '--out', 'scaffold.yaml'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    const text = await readFile(path.join(dir, 'scaffold.yaml'), 'utf8');
    const schemaLine = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    assert.ok(schemaLine, text);
    assert.ok(
      existsSync(path.resolve(dir, schemaLine[1] as string)),
      `${schemaLine[1]} exists relative to the plan`,
    );
    assert.match(text, /start: \.venv\/bin\/uvicorn/);
    assert.match(text, /ready: GET \/healthz/);
    assert.match(text, /owner: "TODO/);
    assert.match(text, /capture: \{ product_id: "\$\.items\[0\]\.id" \}/);
    const steps = text.match(/^\s+- name: /gm)?.length ?? 0;
    assert.equal(
      text.match(/schema: openapi/g)?.length,
      steps - 3 - 1,
      'every step (not the 3 paths, not the log-in step) validates against OpenAPI',
    );
    // The JSON login (POST /auth/login answering {token}) gives a user and the account flow.
    assert.match(text, /login:\n\s+request:\n\s+method: POST\n\s+url: \/auth\/login/);
    assert.match(text, /- name: sign up, log in, read me/);
    // An order needs a filled cart (POST /orders documents 409): left out, and init says why.
    assert.doesNotMatch(text, /\/cart|\/orders/, 'no flow that fails on a healthy app');
    assert.match(init.stdout, /left out orders: POST \/orders documents 409 \(Cart empty/);

    const validate = await runCli(['validate', '--plan', 'scaffold.yaml'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stderr, /warning\[PLAN_TODO\]: critical_paths\[0\]\.owner is still a placeholder/);
    // pyproject.toml configures ruff and pytest: init writes the lint and unit checks.
    assert.match(text, /lint:\n\s+run: \.venv\/bin\/ruff check --output-format=json \./);
    assert.match(text, /unit:\n\s+run: \.venv\/bin\/pytest -q --junitxml=\{junit\}/);
    assert.match(validate.stdout, /valid \(2 command checks, 3 critical paths, \d+ warnings\)/);

    const run = await runCli(['run', '--plan', 'scaffold.yaml', '--json', 'out.json'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const json = await readJson(path.join(dir, 'out.json'));
    assert.deepEqual(
      json.paths.map((p) => p.name),
      ['sign up, log in, read me', 'health', 'products'],
    );
    assert.deepEqual(
      json.paths.flatMap((p) => p.steps.map((s) => s.status)),
      ['pass', 'pass', 'pass', 'pass', 'pass', 'pass'],
    );
  });

  test('--openapi URL of a running service and --openapi FILE both write plans that validate', async () => {
    const dir = await copyExample();
    await withShop(dir, async (url) => {
      const init = await runCli(
        ['init', '--openapi', `${url}/openapi.json`, '--yes', '--out', 'from-url.yaml'],
        { cwd: dir },
      );
      assert.equal(init.code, 0, init.stderr);
      const text = await readFile(path.join(dir, 'from-url.yaml'), 'utf8');
      assert.match(text, new RegExp(`url: ${url.replace(/[.]/g, '\\.')}`));
      const run = await runCli(['run', '--plan', 'from-url.yaml'], { cwd: dir });
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      await writeFile(path.join(dir, 'openapi.json'), await (await fetch(`${url}/openapi.json`)).text());
    });
    const init = await runCli(
      [
        'init',
        '--openapi',
        'openapi.json',
        '--pick',
        'GET /products,POST /auth/signup',
        '--out',
        'from-file.yaml',
      ],
      { cwd: dir },
    );
    assert.equal(init.code, 0, init.stderr);
    const text = await readFile(path.join(dir, 'from-file.yaml'), 'utf8');
    assert.match(text, /openapi: \.\/openapi\.json/);
    assert.match(text, /method: POST/);
    const validate = await runCli(['validate', '--plan', 'from-file.yaml'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    // A file says nothing about how the service starts; the app found in the directory does.
    assert.doesNotMatch(validate.stderr, /service\.start is still a placeholder/);
    assert.match(text, /start: \.venv\/bin\/uvicorn shop\.main:app --host 127\.0\.0\.1 --port \{port\}/);
    // With a login in the document the picked sign-up is the account flow's: generated, unique
    // credentials, no placeholder to fill in.
    assert.match(text, /email: u-\{\{ run\.id \}\}@example\.com/);
    assert.doesNotMatch(validate.stderr, /json\.(email|password) is still a placeholder/);
    const again = await runCli(['init', '--openapi', 'openapi.json', '--yes', '--out', 'from-file.yaml'], {
      cwd: dir,
    });
    assert.equal(again.code, 2, 'an existing plan is not replaced without --force');
  });

  test('schema: openapi fails a step whose response breaks the documented schema, naming the JSON path', async () => {
    const dir = await copyExample();
    const routes = path.join(dir, 'shop', 'routes', 'products.py');
    // The release under test returns the product by hand, with the price as text and fields missing.
    await patchFile(routes, /^import time$/m, 'import time\n\nfrom fastapi.responses import JSONResponse');
    await patchFile(
      routes,
      /response\.headers\["Cache-Control"\] = PUBLIC_CACHE\n {4}return product$/m,
      'return JSONResponse({"id": product.id, "name": product.name, "price_cents": str(product.price_cents)})',
    );
    const plan = (await readFile(path.join(dir, 'preflight.yaml'), 'utf8')).replace(
      'json: { "$.id": "{{ product_id }}", "$.name": { type: string }, "$.price_cents": { type: integer, gt: 0 } }',
      'schema: openapi',
    );
    assert.match(plan, /schema: openapi/);
    await writeFile(path.join(dir, 'contract.yaml'), plan);
    const run = await runCli(['run', '--plan', 'contract.yaml', '--only', 'paths', '--json', 'out.json'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /openapi \$\.price_cents/);
    const json = await readJson(path.join(dir, 'out.json'));
    const detail = json.paths
      .find((p) => p.name === 'browse')
      ?.steps.find((s) => s.name === 'product detail');
    assert.equal(detail?.status, 'fail');
    const price = detail?.failures?.find((f) => f.assertion === 'openapi $.price_cents');
    assert.match(
      price?.message ?? '',
      /must be integer \(rule "type" at #\/components\/schemas\/ProductOut\/properties\/price_cents\/type of GET \/products\/\{product_id\}\)/,
    );
    assert.ok(
      detail?.failures?.some((f) => f.assertion === 'openapi $.sku' && /rule "required"/.test(f.message)),
    );
    assert.equal(json.paths.find((p) => p.name === 'checkout')?.status, 'pass', 'other paths are unaffected');
  });
});
