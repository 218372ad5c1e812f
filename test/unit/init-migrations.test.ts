/**
 * The `database.migrations` section init writes for an Alembic project: from DATABASE_URL, or
 * from POSTGRES_* parts mapped to the scratch database; nothing (and a line saying what to set)
 * when the variables it would name are not set where init runs, or env.py cannot render offline
 * SQL. Projects written for the test.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { detectAlembic } from '../../src/ecosystem/init/migrations.js';
import { parsePlan } from '../../src/plan/load.js';
import { tempDir } from '../support/cli.js';

/** The end of Alembic's env.py template: offline SQL, or a connection. */
const MODES =
  '\nif context.is_offline_mode():\n    run_migrations_offline()\nelse:\n    run_migrations_online()\n';

/** An Alembic project in a new directory (or in `sub` of it: the .env above it stays ours). */
async function alembicProject(envPy: string, sub = '.'): Promise<string> {
  const dir = path.join(await tempDir('preflight-init-alembic-'), sub);
  await mkdir(path.join(dir, 'migrations'), { recursive: true });
  await writeFile(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
  await writeFile(path.join(dir, 'migrations', 'env.py'), envPy);
  return dir;
}

const planWith = (database: unknown) =>
  JSON.stringify({ version: 1, service: { name: 's', owner: 'o', url: 'http://127.0.0.1:9' }, database });

describe('init: migrations from alembic.ini', () => {
  test('an env.py reading DATABASE_URL: migrations: alembic on that URL, review off; the plan validates', async () => {
    const envPy = `import os\n\nurl = os.environ["DATABASE_URL"]\n${MODES}`;
    const dir = await alembicProject(envPy);
    const sources = [{ file: 'migrations/env.py', text: envPy }];
    const found = await detectAlembic(dir, sources, { DATABASE_URL: 'postgresql://localhost/app' });
    assert.deepEqual(found?.database, {
      url: '{{ env.DATABASE_URL }}',
      capture: false,
      migrations: 'alembic',
    });
    parsePlan(planWith(found?.database), { file: 'p.yaml', displayName: 'p.yaml' });
    const unset = await detectAlembic(dir, sources, {});
    assert.equal(unset?.database, undefined, 'a plan naming an unset variable could not run');
    assert.match(unset.notWritten ?? '', /^no migrations check: .*DATABASE_URL, which is not set here/);
  });

  test('POSTGRES_* parts in the settings: the server from the parts, each part mapped to the scratch', async () => {
    const settings =
      'import os\n\nHOST = os.environ["POSTGRES_HOST"]\nUSER = os.environ["POSTGRES_USER"]\nNAME = os.environ["POSTGRES_DB"]\n';
    const envPy = `from app.settings import url\n${MODES}`;
    const dir = await alembicProject(envPy);
    const sources = [
      { file: 'migrations/env.py', text: envPy },
      { file: 'app/settings.py', text: settings },
    ];
    const env = { POSTGRES_HOST: 'db', POSTGRES_USER: 'app', POSTGRES_DB: 'app' };
    const found = await detectAlembic(dir, sources, env);
    assert.deepEqual(found?.database, {
      url: 'postgresql://{{ env.POSTGRES_USER }}@{{ env.POSTGRES_HOST }}:5432/{{ env.POSTGRES_DB }}',
      capture: false,
      migrations: {
        env: {
          POSTGRES_HOST: '{scratch_host}',
          POSTGRES_USER: '{scratch_user}',
          POSTGRES_DB: '{scratch_name}',
        },
      },
    });
    parsePlan(planWith(found?.database), { file: 'p.yaml', displayName: 'p.yaml' });
    const partly = await detectAlembic(dir, sources, { POSTGRES_HOST: 'db' });
    assert.equal(partly?.database, undefined);
    assert.match(partly.notWritten ?? '', /^no migrations check: .*POSTGRES_USER, POSTGRES_DB not set here/);
  });

  test("variables in the settings' env_file, not here: where they are and how to export them, never their values", async () => {
    // As in the FastAPI full-stack template: settings read "../.env", relative to backend/.
    const settings =
      'from pydantic_settings import BaseSettings, SettingsConfigDict\n\nclass Settings(BaseSettings):\n' +
      '    model_config = SettingsConfigDict(env_file="../.env", env_ignore_empty=True)\n' +
      '    POSTGRES_SERVER: str\n    POSTGRES_USER: str\n    POSTGRES_PASSWORD: str = ""\n    POSTGRES_DB: str = ""\n';
    const envPy = `from app.core.config import settings\n${MODES}`;
    const dir = await alembicProject(envPy, 'backend');
    const sources = [
      { file: 'app/alembic/env.py', text: envPy },
      { file: 'app/core/config.py', text: settings },
    ];
    const noFile = await detectAlembic(dir, sources, {});
    assert.match(noFile.notWritten ?? '', /not set here: set them and run init again/);
    await writeFile(
      path.join(dir, '..', '.env'),
      'POSTGRES_SERVER=localhost\nPOSTGRES_USER=postgres\nPOSTGRES_PASSWORD=a-db-password-here\nPOSTGRES_DB=app\n',
    );
    const inFile = await detectAlembic(dir, sources, {});
    assert.equal(inFile.database, undefined);
    assert.match(
      inFile.notWritten ?? '',
      /POSTGRES_SERVER, POSTGRES_USER, POSTGRES_DB not set here: they are in \.\.\/\.env \(the app's settings read it: env_file\), which preflight does not read; export them \(set -a; \. \.\.\/\.env; set \+a\)/,
    );
    assert.doesNotMatch(inFile.notWritten ?? '', /a-db-password-here|localhost/);
  });

  test('an env.py with no offline mode (always online): no section, and what to add to env.py', async () => {
    const envPy =
      'import os\n\nurl = os.environ["DATABASE_URL"]\n\n# context.is_offline_mode() is never asked\nrun_migrations_online()\n';
    const dir = await alembicProject(envPy);
    const found = await detectAlembic(dir, [{ file: 'migrations/env.py', text: envPy }], {
      DATABASE_URL: 'postgresql://localhost/app',
    });
    assert.equal(found.database, undefined, 'the migrations lint could never render its SQL');
    assert.match(
      found.notWritten ?? '',
      /^no migrations check: migrations\/env\.py has no offline mode \(no context\.is_offline_mode\(\) branch.*add the offline branch Alembic's env\.py template has .*run init again$/,
    );
  });

  test('no alembic.ini, one whose env.py is missing, or no URL variable: no section, and a line saying why', async () => {
    const dir = await tempDir('preflight-init-none-');
    const none = await detectAlembic(dir, [], {});
    assert.equal(none.database, undefined);
    assert.match(none.notWritten ?? '', /^no migrations check: no alembic\.ini here/);
    await writeFile(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = nowhere\n');
    const missing = await detectAlembic(dir, [], {});
    assert.equal(missing.database, undefined);
    assert.match(missing.notWritten ?? '', /^no migrations check: .*\(nowhere\) holds no env\.py/);
    const envPy = `from app.config import engine_url\n${MODES}`;
    const noUrl = await detectAlembic(
      await alembicProject(envPy),
      [{ file: 'migrations/env.py', text: envPy }],
      {},
    );
    assert.equal(noUrl.database, undefined);
    assert.match(noUrl.notWritten ?? '', /^no migrations check: .*no DATABASE_URL .* found in the source/);
  });
});
