/**
 * What `init` reads from a FastAPI project's files: the app (a uvicorn command, `FastAPI()`
 * at module level or in a factory), its `openapi_url` (f-strings of constants resolved), the
 * checks pyproject configures; and the example values of the flows.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  contractHintExcluding,
  detectFastApiApp,
  selfDestructiveOperations,
} from '../../src/ecosystem/init/detect.js';
import { FLOW_EMAIL, sample } from '../../src/ecosystem/init/sample.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-detect-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('init: finding the FastAPI app', () => {
  test('FastAPI() at module level, openapi_url as an f-string of a settings constant, ruff and pytest', async () => {
    const dir = await project({
      'app/core/config.py': 'class Settings:\n    API_V1_STR: str = "/api/v2"\n',
      'app/main.py':
        'from fastapi import FastAPI\napp = FastAPI(title="x", openapi_url=f"{settings.API_V1_STR}/openapi.json")\n',
      'tests/test_x.py': 'app = FastAPI()\n',
      'pyproject.toml':
        '[tool.ruff]\nline-length = 100\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    });
    const app = await detectFastApiApp(dir);
    assert.equal(app?.target, 'app.main:app');
    assert.equal(app?.start, 'uvicorn app.main:app --host 127.0.0.1 --port {port}');
    assert.equal(app?.openapi, '/api/v2/openapi.json');
    assert.deepEqual(Object.keys(app?.checks ?? {}), ['lint', 'unit']);
  });

  test('with a .venv, the checks and the start command run its tools, installed there or not', async () => {
    const dir = await project({
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'pyproject.toml': '[tool.ruff]\n\n[tool.pytest.ini_options]\n',
      '.venv/bin/python': '',
    });
    const app = await detectFastApiApp(dir);
    assert.equal(app?.start, '.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port {port}');
    assert.equal(app?.checks.unit?.run, '.venv/bin/pytest -q --junitxml={junit}');
    assert.equal(app?.checks.lint?.run, '.venv/bin/ruff check --output-format=json .');
  });

  test('an app made by a factory is the module-level name; no pyproject, no checks', async () => {
    const dir = await project({
      'shop/main.py':
        'def create_app():\n    app = FastAPI(title="Shop")\n    return app\n\n\napp = create_app()\n',
    });
    const app = await detectFastApiApp(dir);
    assert.equal(app?.target, 'shop.main:app');
    assert.equal(app?.openapi, undefined);
    assert.deepEqual(app?.checks, {});
  });

  test('checks it does not write are named, one line each, with why and what to add', async () => {
    const dir = await project({
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'tests/test_api.py': 'def test_x():\n    pass\n',
      'setup.cfg': '[metadata]\nname = app\n\n[flake8]\nmax-line-length = 100\n',
      'pyproject.toml': '[project]\nname = "app"\n',
      '.venv/bin/python': '',
    });
    const app = await detectFastApiApp(dir);
    assert.deepEqual(app?.checks, {}, 'no unit check for tests pytest is not configured for');
    assert.deepEqual(app?.notWritten, [
      'no lint check: the project lints with flake8 (setup.cfg), whose output preflight does not parse; add checks.lint: { run: ".venv/bin/flake8 ." } (its exit code decides)',
      'no unit check: tests/ found but pytest is not configured in pyproject.toml ([tool.pytest.ini_options]) or pytest.ini; add checks.unit: { run: ".venv/bin/pytest -q --junitxml={junit}", parse: junit } only if they run against a disposable database (a test suite may empty or drop the database it is configured with)',
      "no contract check: `.venv/bin/pip install 'schemathesis>=4.32,<5'`, then add contract: { schema: /openapi.json } to fuzz every operation from the OpenAPI document as auth.default; operations only an administrator may use need contract.auth (an admin in auth.users) or contract.operations.exclude",
      'no migrations check: no alembic.ini here (preflight rehearses Alembic migrations)',
    ]);
  });

  test('tests one level down (app/tests), pytest in setup.cfg, no linter at all: each said', async () => {
    const dir = await project({
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'app/tests/test_api.py': 'def test_x():\n    pass\n',
    });
    const app = await detectFastApiApp(dir);
    const [lint, unit] = app?.notWritten ?? [];
    assert.match(lint ?? '', /^no lint check: no ruff configuration .* add checks\.lint:/);
    assert.match(unit ?? '', /^no unit check: app\/tests\/ found but pytest is not configured/);
    await writeFile(path.join(dir, 'setup.cfg'), '[tool:pytest]\ntestpaths = app/tests\n');
    const configured = await detectFastApiApp(dir);
    assert.match(
      configured?.notWritten[1] ?? '',
      /^no unit check: pytest is configured in setup\.cfg, which init does not read; add checks\.unit: .* disposable database/,
    );
    assert.equal(configured?.checks.unit, undefined);
  });

  test('ruff and pytest configured: the checks, and only migrations said missing', async () => {
    const dir = await project({
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'pyproject.toml': '[tool.ruff]\n\n[tool.pytest.ini_options]\n',
    });
    const app = await detectFastApiApp(dir);
    assert.deepEqual(Object.keys(app?.checks ?? {}), ['lint', 'unit']);
    assert.deepEqual(app?.notWritten, [
      "no contract check: `pip install 'schemathesis>=4.32,<5'`, then add contract: { schema: /openapi.json } to fuzz every operation from the OpenAPI document as auth.default; operations only an administrator may use need contract.auth (an admin in auth.users) or contract.operations.exclude",
      'no migrations check: no alembic.ini here (preflight rehearses Alembic migrations)',
    ]);
  });

  test("the Dockerfile's uvicorn command names the app; an unresolvable openapi_url is left to /docs", async () => {
    const dir = await project({
      Dockerfile: 'FROM python\nCMD ["uvicorn", "service.api:application", "--host", "0.0.0.0"]\n',
      'service/api.py': 'application = FastAPI(openapi_url=os.environ["OPENAPI_URL"])\n',
      'service/other.py': 'app = FastAPI()\n',
    });
    const app = await detectFastApiApp(dir);
    assert.equal(app?.target, 'service.api:application');
    assert.equal(app?.openapi, undefined);
  });

  test('no app: undefined', async () => {
    assert.equal(await detectFastApiApp(await project({ 'README.md': 'no python here' })), undefined);
  });
});

describe('init: example values of the flows', () => {
  test('examples, enums, email and password fields, and strings within maxLength', () => {
    const doc = {};
    const schema = {
      type: 'object',
      required: ['email', 'password', 'kind', 'title', 'code'],
      properties: {
        email: { type: 'string', format: 'email' },
        password: { type: 'string', minLength: 8 },
        kind: { type: 'string', enum: ['book', 'film'] },
        title: { type: 'string', examples: ['Groceries'] },
        code: { type: 'string', minLength: 2, maxLength: 3 },
        note: { type: 'string' },
      },
    };
    assert.deepEqual(sample(doc, schema, ''), {
      email: FLOW_EMAIL,
      password: '{{ password }}',
      kind: 'book',
      title: 'Groceries',
      code: 'xx',
    });
    assert.equal((sample(doc, schema, '', true) as Record<string, unknown>).note, 'note {{ run.id }}');
  });
});

describe('init: the contract suggestion leaves out what would delete its own user or kill its token', () => {
  test('DELETE, PUT and PATCH …/me and …/users/{id}, writes to …/me/password, logouts; nothing else', () => {
    assert.deepEqual(
      selfDestructiveOperations([
        'GET /api/v1/users/me',
        'PATCH /api/v1/users/me',
        'DELETE /api/v1/users/me',
        'PATCH /api/v1/users/me/password',
        'GET /api/v1/users/me/password',
        'GET /api/v1/users/{user_id}',
        'PATCH /api/v1/users/{user_id}',
        'DELETE /api/v1/users/{user_id}',
        'DELETE /api/v1/users/{user_id}/items/{id}',
        'POST /api/v1/users/',
        'DELETE /me/items/{id}',
        'POST /auth/logout',
        'GET /auth/logout',
        'POST /login',
      ]),
      [
        'PATCH /api/v1/users/me',
        'DELETE /api/v1/users/me',
        'PATCH /api/v1/users/me/password',
        'PATCH /api/v1/users/{user_id}',
        'DELETE /api/v1/users/{user_id}',
        'POST /auth/logout',
        'GET /auth/logout',
      ],
    );
  });

  test('the suggestion names them in contract.operations.exclude and says why', () => {
    const line =
      'no contract check: add contract: { schema: /api/v1/openapi.json } to fuzz every operation from the OpenAPI document as auth.default';
    const out = contractHintExcluding(line, ['DELETE /api/v1/users/me']);
    assert.match(
      out,
      /add contract: \{ schema: \/api\/v1\/openapi\.json, operations: \{ exclude: \["DELETE \/api\/v1\/users\/me"\] \} \}/,
    );
    assert.match(out, /could delete the user, change its e-mail, password or rights, or revoke its token/);
    assert.equal(contractHintExcluding(line, []), line);
    assert.equal(contractHintExcluding('found x', ['DELETE /me']), 'found x');
  });
});
