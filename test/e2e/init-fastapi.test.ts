/**
 * `preflight init` on a FastAPI backend it did not write (test/fixtures/fastapi-backend: OAuth2
 * password login, OpenAPI at /api/v1/openapi.json, the app in backend/): the plan it scaffolds
 * validates and runs GO against the real app with no hand edits, and its login token is
 * fetched once and reused by the later paths.
 */
import assert from 'node:assert/strict';
import { cp, readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { EXAMPLE, patchFile, ROOT, runCli, tempDir } from '../support/cli.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'fastapi-backend');

/** A copy of the fixture repository, with a virtualenv in backend/ (the example's). */
async function copyFixture(): Promise<string> {
  const repo = path.join(await tempDir('preflight-fastapi-'), 'repo');
  await cp(FIXTURE, repo, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const backend = path.join(repo, 'backend');
  await symlink(path.join(EXAMPLE, '.venv'), path.join(backend, '.venv'));
  return backend;
}

async function serviceLog(backend: string): Promise<string> {
  const runs = path.join(backend, '.preflight', 'runs');
  const [run] = (await readdir(runs)).sort().reverse();
  return readFile(path.join(runs, run as string, 'service.log'), 'utf8');
}

describe('preflight init on a FastAPI app', () => {
  test('--yes in backend/: start, OpenAPI path, health route, auth, flows, checks; it validates and runs GO', async () => {
    const backend = await copyFixture();
    const init = await runCli(['init', '--yes'], { cwd: backend, timeoutMs: 60_000 });
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    const text = await readFile(path.join(backend, 'preflight.yaml'), 'utf8');
    assert.match(text, /start: \.venv\/bin\/uvicorn app\.main:app --host 127\.0\.0\.1 --port \{port\}/);
    assert.match(text, /openapi: \/api\/v1\/openapi\.json/);
    assert.match(text, /ready: GET \/api\/v1\/utils\/health-check\//);
    assert.match(text, /oauth2_password:\n\s+token_url: \/api\/v1\/login\/access-token/);
    assert.match(text, /lint:\n\s+run: \.venv\/bin\/ruff check --output-format=json \.\n\s+parse: ruff/);
    assert.match(text, /unit:\n\s+run: \.venv\/bin\/pytest -q --junitxml=\{junit\}\n\s+parse: junit/);
    // Contract fuzzing is suggested, not written (admin-only operations would make it incomplete).
    assert.doesNotMatch(text, /^contract:/m);
    assert.match(
      init.stdout + init.stderr,
      /no contract check: add contract: \{ schema: \/api\/v1\/openapi\.json \}/,
    );
    assert.match(
      text,
      /email: "u-\{\{ run\.id \}\}@example\.com"/,
      'an email format gets a unique address a validator accepts',
    );
    assert.doesNotMatch(
      text,
      /name: "?user: create/,
      "the users collection is the admins': no CRUD flow for a normal user",
    );
    assert.match(text, /capture: \{ item_id: \$\.id \}/);
    assert.match(text, /url: \/api\/v1\/items\/\{\{ item_id \}\}/);
    assert.match(
      text,
      /teardown:\n\s+- name: delete item\n\s+request: \{ method: DELETE, url: "\/api\/v1\/items\/\{\{ item_id \}\}" \}/,
      'the delete runs as the teardown, after a failed read or update too',
    );
    assert.match(text, /request: \{ url: \/api\/v1\/users\/ \}\n\s+expect: \{ status: 403 \}/);
    assert.doesNotMatch(text, /"TODO: a |Bearer \{\{ token \}\}/, 'no placeholder in what the flows send');
    const todos = text.match(/"TODO: /g)?.length ?? 0;
    assert.match(init.stdout, new RegExp(`^${todos} TODO placeholders to fill in`, 'm'));
    assert.equal(init.stdout.match(/TODO/g)?.length, 1, 'the TODOs are counted in one line');
    assert.deepEqual(
      init.stdout.match(/^no \w+ check: .*/gm),
      [
        'no contract check: add contract: { schema: /api/v1/openapi.json } to fuzz every operation from the OpenAPI document as auth.default; operations only an administrator may use need contract.auth (an admin in auth.users) or contract.operations.exclude',
        'no migrations check: no alembic.ini here (preflight rehearses Alembic migrations)',
      ],
      'each check it did not write is named, and only those',
    );

    const validate = await runCli(['validate'], { cwd: backend });
    assert.equal(validate.code, 0, validate.stderr);
    assert.match(validate.stdout, /valid \(2 command checks, 4 critical paths/);

    const run = await runCli(['run', '--json', 'out.json', '--no-store'], {
      cwd: backend,
      timeoutMs: 120_000,
    });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const out = await readFile(path.join(backend, 'out.json'), 'utf8');
    const result = JSON.parse(out) as RunResult;
    assert.equal(result.verdict, 'go');
    assert.deepEqual(result.checks.map((c) => [c.id, c.status]).sort(), [
      ['lint', 'pass'],
      ['paths', 'pass'],
      ['unit', 'pass'],
    ]);
    const names = result.paths.map((p) => p.name);
    assert.deepEqual(names.slice(0, 3), [
      'sign up, log in, read me',
      'item: create, read, update, delete',
      'a normal user is refused the admin route',
    ]);
    const item = result.paths.find((p) => p.name.startsWith('item:'));
    assert.deepEqual(item?.steps.map((s) => [s.name, s.teardown ?? false]).at(-1), ['delete item', true]);
    // The sign-up path's own login step, then one token for every later step that runs as the user.
    const logins = (await serviceLog(backend)).match(/"POST \/api\/v1\/login\/access-token HTTP/g) ?? [];
    assert.equal(logins.length, 2, 'one login step and one token request for the 6 steps that use it');
    const authed = result.paths.flatMap((p) => p.steps).filter((s) => s.request?.headers?.Authorization);
    assert.equal(authed.length, 6);
    assert.ok(authed.every((s) => s.request?.headers?.Authorization === '[redacted]'));
    assert.doesNotMatch(out, /access_token\\?":\s*\\?"(?!\[redacted\])/, 'no token in the JSON result');
  });

  test('a failed update: the CRUD flow still deletes the item it created (the teardown)', async () => {
    const backend = await copyFixture();
    await patchFile(
      path.join(backend, 'app', 'api', 'routes', 'items.py'),
      '    item = own_item(current_user, id)\n    for key',
      '    item = own_item(current_user, id)\n    raise HTTPException(status_code=500, detail="broken update")\n    for key',
    );
    const init = await runCli(['init', '--yes'], { cwd: backend, timeoutMs: 60_000 });
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    const run = await runCli(['run', '--only', 'paths', '--json', 'out.json', '--no-store'], {
      cwd: backend,
      timeoutMs: 120_000,
    });
    assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
    const result = JSON.parse(await readFile(path.join(backend, 'out.json'), 'utf8')) as RunResult;
    const item = result.paths.find((p) => p.name.startsWith('item:'));
    assert.deepEqual(
      item?.steps.map((s) => [s.name, s.status, s.teardown ?? false]),
      [
        ['create item', 'pass', false],
        ['read item', 'pass', false],
        ['update item', 'fail', false],
        ['delete item', 'pass', true],
      ],
    );
    assert.match(await serviceLog(backend), /"DELETE \/api\/v1\/items\/[\w-]+ HTTP\/1\.1" 200/);
  });

  test('an openapi_url the source does not spell out is found through the /docs page', async () => {
    const backend = await copyFixture();
    await patchFile(
      path.join(backend, 'app', 'main.py'),
      'openapi_url=f"{settings.API_V1_STR}/openapi.json"',
      'openapi_url=settings.API_V1_STR + "/openapi.json"',
    );
    const start = '.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port {port}';
    const init = await runCli(['init', '--start', start, '--yes', '--out', 'scaffold.yaml'], {
      cwd: backend,
      timeoutMs: 60_000,
    });
    assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
    assert.doesNotMatch(init.stdout, /found openapi_url/);
    const text = await readFile(path.join(backend, 'scaffold.yaml'), 'utf8');
    assert.match(text, /openapi: \/api\/v1\/openapi\.json/);
    assert.match(text, /from \/api\/v1\/openapi\.json of the service started with/);
  });

  test('a directory with no app and no flags is told what to give', async () => {
    const dir = await tempDir('preflight-noapp-');
    const init = await runCli(['init', '--yes'], { cwd: dir });
    assert.equal(init.code, 2);
    assert.match(init.stderr, /no FastAPI app found in .*: give --openapi URL_OR_FILE, or --start CMD/);
  });
});
