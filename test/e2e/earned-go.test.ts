/**
 * Every GO is earned, end to end on copies of the example shop under uvicorn: a step without
 * expectations still fails on a 5xx; a database review that covered less than the plan asked is
 * NO-GO, naming the path; a running service without `ready` is up on its first answer below
 * 500, and a `GET /` that answers 5xx does not stop the run (the critical paths decide); exit
 * 3 is bannered COULD NOT RUN, not NO-GO.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, patchFile, processesIn, runCli, tempDir, withShop } from '../support/cli.js';
import { startLocalServer } from '../support/local-server.js';

const START = 'start: .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}';

async function readJson(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

describe('implicit expectations', () => {
  test('a step with no expect against a route that answers 500: NO-GO naming the step and 5xx; validate warns', async () => {
    const dir = await copyExample();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'products.py'),
      '    product = db.get(Product, product_id)',
      '    raise RuntimeError("product detail is broken")',
    );
    const plan = [
      'version: 1',
      'service:',
      '  name: shop',
      `  ${START}`,
      '  ready: GET /healthz',
      '  env: { DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db" }',
      'critical_paths:',
      '  - name: browse',
      '    owner: alice',
      '    expect: a visitor lists products and opens one',
      '    rollback: redeploy the previous release',
      '    steps:',
      '      - name: list',
      '        request: { url: /products }',
      '      - name: product detail',
      '        request: { url: /products/1 }',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'implicit.yaml'), plan);

    const validate = await runCli(['validate', '--plan', 'implicit.yaml'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(
      validate.stderr,
      /warning\[PLAN_NO_ASSERTION\]: step "list" of critical path "browse" asserts nothing/,
    );

    const res = await runCli(['run', '--plan', 'implicit.yaml', '--json', 'out.json', '--no-store'], {
      cwd: dir,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /NO-GO/);
    assert.match(res.stdout, /step product detail {2}fail/);
    assert.match(res.stdout, /expected 2xx or 3xx \(the step names no expect\.status\), got 500 \(5xx/);
    const json = await readJson(path.join(dir, 'out.json'));
    const [list, detail] = json.paths[0]?.steps ?? [];
    assert.equal(list?.status, 'pass', 'a 200 meets the implicit expectation');
    assert.equal(detail?.status, 'fail');
    assert.equal(detail?.failures?.[0]?.expected, '2xx or 3xx');
    assert.deepEqual(processesIn(dir), []);
  });
});

describe('database coverage', () => {
  test('a critical path that fails only while the database check captures it: the check is incomplete, the run NO-GO, the message names the path', async () => {
    const dir = await copyExample();
    await patchFile(
      path.join(dir, 'shop', 'routes', 'orders.py'),
      '    cart = load_cart(db, user.id)\n',
      '    cart = load_cart(db, user.id)\n    import os\n\n    if os.environ.get("PREFLIGHT_CAPTURE_FILE"):\n        raise RuntimeError("checkout breaks under query capture")\n',
    );
    // The review on the fresh database as it is: coverage of the paths is what this test is about.
    const planFile = path.join(dir, 'preflight.yaml');
    await patchFile(planFile, /\n {2}seed: \{[^\n]*\}/, '');
    await patchFile(planFile, /\n {2}realistic: \{[^\n]*\}/, '');
    const res = await runCli(['run', '--only', 'paths,database', '--json', 'out.json', '--no-store'], {
      cwd: dir,
      timeoutMs: 90_000,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = await readJson(path.join(dir, 'out.json'));
    assert.equal(json.checks.find((c) => c.id === 'paths')?.status, 'pass', 'the paths check itself passed');
    const database = json.checks.find((c) => c.id === 'database');
    assert.equal(database?.status, 'error');
    assert.equal(database?.error?.code, 'INCOMPLETE_COVERAGE');
    assert.match(
      database?.summary ?? '',
      /^1 of 3 critical paths failed while captured: checkout \(step "pay": /,
    );
    assert.match(database?.summary ?? '', /the review covers \d+ of 14 steps/);
    const paths = database?.coverage?.find((c) => c.what === 'critical paths captured');
    assert.deepEqual([paths?.covered, paths?.asked], [2, 3]);
    assert.match(
      res.stdout,
      /NO-GO .*covered less than the plan asks: database \(1 of 3 critical paths failed while captured: checkout/,
    );
    assert.deepEqual(processesIn(dir), []);
  });
});

describe('database.seed on a scratch database that is proven scratch', () => {
  test('an env.py that connects elsewhere (not through DATABASE_URL): the seed is refused before it runs, the other database untouched', async () => {
    const dir = await copyExample();
    const canary = path.join(dir, 'canary.db');
    await writeFile(canary, '');
    const before = await readFile(canary);
    // env.py ignores DATABASE_URL and the variables preflight maps, as a project with its URL in a config file does.
    await patchFile(
      path.join(dir, 'migrations', 'env.py'),
      '    return normalize_database_url(url) if url else load_settings().database_url',
      `    return "sqlite:///${canary}"`,
    );
    const res = await runCli(['run', '--only', 'database', '--json', 'out.json', '--no-store'], {
      cwd: dir,
      timeoutMs: 90_000,
    });
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    const database = (await readJson(path.join(dir, 'out.json'))).checks.find((c) => c.id === 'database');
    assert.equal(database?.error?.code, 'DATABASE_SEED_UNSAFE');
    assert.match(
      database?.summary ?? '',
      /database\.seed was not run: refused before any statement: the env\.py of alembic\.ini does not connect to the scratch database/,
    );
    assert.match(database?.summary ?? '', /database\.seed\.env/);
    assert.deepEqual(await readFile(canary), before, 'the other database was not written');
    assert.deepEqual(processesIn(dir), []);
  });
});

describe('readiness of a running service', () => {
  test('--base-url to an app with no / route and a plan without ready: up on the first answer (a 404), one request', async () => {
    const dir = await copyExample();
    const plan = [
      'version: 1',
      'service: { name: shop }',
      'critical_paths:',
      '  - name: health',
      '    owner: alice',
      '    expect: the service answers',
      '    rollback: none needed',
      '    steps:',
      '      - name: health',
      '        request: { url: /healthz }',
      '        expect: { status: 200 }',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'remote.yaml'), plan);
    await withShop(dir, async (url) => {
      const res = await runCli(['run', '--plan', 'remote.yaml', '--base-url', url, '--no-store'], {
        cwd: dir,
      });
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /\bGO\b/);
      // preflight started no service here, so it names no log of one.
      assert.doesNotMatch(res.stdout, /service log:/);
    });
    const log = await readFile(path.join(dir, 'shop-test.log'), 'utf8');
    const polls = log.split('\n').filter((l) => /"GET \/ HTTP\/1\.1" 404/.test(l));
    assert.equal(polls.length, 1, `readiness polls of GET /:\n${polls.join('\n')}`);
  });

  test('--base-url to nothing: COULD NOT RUN (exit 3), saying what was tried and suggesting ready', async () => {
    const dir = await copyExample();
    await writeFile(
      path.join(dir, 'remote.yaml'),
      [
        'version: 1',
        'service: { name: shop, ready_timeout: 1s }',
        'critical_paths:',
        '  - { name: health, owner: a, expect: up, rollback: none, steps: [{ name: health, request: { url: /healthz } }] }',
        '',
      ].join('\n'),
    );
    const res = await runCli(
      ['run', '--plan', 'remote.yaml', '--base-url', 'http://127.0.0.1:9', '--no-store'],
      {
        cwd: dir,
      },
    );
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, / COULD NOT RUN /);
    assert.doesNotMatch(res.stdout, /NO-GO/);
    assert.match(
      res.stdout,
      /GET http:\/\/127\.0\.0\.1:9\/ gave no HTTP answer within 1 s \(\d+ attempts?, last: ECONNREFUSED\)/,
    );
    assert.match(res.stdout, /name it in service\.ready/);
  });

  /** A one-step plan (GET /items, expects 200) in a temp dir; `service` is its service line. */
  async function itemsPlan(service = 'service: { name: api }'): Promise<string> {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'remote.yaml'),
      [
        'version: 1',
        service,
        'critical_paths:',
        '  - { name: catalogue, owner: a, expect: items listed, rollback: none, steps: [{ name: items, request: { url: /items }, expect: { status: 200 } }] }',
        '',
      ].join('\n'),
    );
    return dir;
  }

  /** Run the plan of `dir` against a local server whose routes answer as `statusOf` says. */
  async function runAgainst(dir: string, statusOf: (url: string) => number) {
    const local = await startLocalServer((req, res) => {
      const status = statusOf(req.url ?? '');
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status === 200 ? '[]' : 'Internal Server Error');
    });
    try {
      const started = performance.now();
      const res = await runCli(
        ['run', '--plan', 'remote.yaml', '--base-url', local.url, '--json', 'out.json', '--no-store'],
        { cwd: dir },
      );
      return { res, seconds: (performance.now() - started) / 1000 };
    } finally {
      await local.close();
    }
  }

  test('--base-url to an app whose GET / answers 500 and /items 200, no ready: GO, with a note about /, no 30 s wait', async () => {
    const dir = await itemsPlan();
    const { res, seconds } = await runAgainst(dir, (url) => (url === '/items' ? 200 : 500));
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /\bGO\b/);
    assert.match(
      res.stdout,
      /! readiness: GET \/ answered 500 Internal Server Error; went on: the critical paths decide/,
    );
    const json = await readJson(path.join(dir, 'out.json'));
    assert.match(json.service.ready_note ?? '', /^GET \/ answered 500 Internal Server Error; went on/);
    // Generous: the readiness timeout (30 s) is what must not be waited for.
    assert.ok(seconds < 20, `took ${seconds} s`);
  });

  test('--base-url to an app where every route answers 500, no ready: NO-GO naming the step and the 500, not COULD NOT RUN', async () => {
    const dir = await itemsPlan();
    const { res, seconds } = await runAgainst(dir, () => 500);
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /NO-GO/);
    assert.doesNotMatch(res.stdout, /COULD NOT RUN/);
    assert.match(res.stdout, /step items {2}fail/);
    assert.match(res.stdout, /got 500/);
    assert.match(res.stdout, /readiness: GET \/ answered 500/);
    const json = await readJson(path.join(dir, 'out.json'));
    assert.equal(json.paths[0]?.steps[0]?.response?.status, 500);
    assert.ok(seconds < 20, `took ${seconds} s`);
  });

  test('an explicit ready is still polled until 2xx: GET / answering 500 is COULD NOT RUN after its timeout', async () => {
    const dir = await itemsPlan('service: { name: api, ready: GET /, ready_timeout: 1s }');
    const { res } = await runAgainst(dir, (url) => (url === '/items' ? 200 : 500));
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, / COULD NOT RUN /);
    assert.match(
      res.stdout,
      /GET http:\/\/127\.0\.0\.1:\d+\/ did not answer 2xx within 1 s \(\d+ attempts?, last: status 500\)/,
    );
  });
});
