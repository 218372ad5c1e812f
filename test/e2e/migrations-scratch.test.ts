/**
 * Scratch databases proven scratch: an Alembic project whose env.py builds its URL from
 * POSTGRES_* (test/fixtures/alembic-postgres-parts) and ignores DATABASE_URL. With POSTGRES_*
 * naming a real database (the canary, migrated to head, with rows), the migrations rehearsal
 * (upgrade → downgrade → upgrade) is refused before any statement, naming env.py and how to map
 * it, and the canary is byte-for-byte unchanged (pg_dump before and after); with
 * database.migrations.env mapping POSTGRES_* to the scratch database's parts, it runs there.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { CheckResult } from '../../src/checks/result.js';
import { detectAlembic } from '../../src/ecosystem/init/migrations.js';
import type { RunResult } from '../../src/run/result.js';
import { EXAMPLE, patchFile, ROOT, runCli, tempDir } from '../support/cli.js';
import { git } from '../support/git.js';
import { PG_ADMIN_URL } from '../support/postgres.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'alembic-postgres-parts');
const PYTHON = path.join(EXAMPLE, '.venv', 'bin', 'python');
const SERVER = new URL(PG_ADMIN_URL);

async function admin(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The whole database as SQL; pg_dump's random \restrict key (PostgreSQL 15.14+) is left out. */
function dump(database: string): string {
  const text = execFileSync(
    'pg_dump',
    ['-h', SERVER.hostname, '-p', SERVER.port || '5432', '-U', SERVER.username || 'postgres', database],
    { encoding: 'utf8' },
  );
  return text.replace(/^\\(un)?restrict \S+$/gm, '');
}

/** The variables that point the fixture's env.py at the canary. */
function canaryEnv(canary: string): Record<string, string> {
  return {
    POSTGRES_SERVER: SERVER.hostname,
    POSTGRES_PORT: SERVER.port || '5432',
    POSTGRES_USER: SERVER.username || 'postgres',
    POSTGRES_DB: canary,
  };
}

async function project(): Promise<string> {
  const dir = path.join(await tempDir('preflight-parts-'), 'project');
  await cp(FIXTURE, dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'v1');
  return dir;
}

async function rehearse(
  dir: string,
  database: { url: string; migrations: Record<string, unknown> },
  env: Record<string, string>,
): Promise<{ code: number | null; check: CheckResult; out: string }> {
  const plan = {
    version: 1,
    service: { name: 'parts', start: 'true' },
    database: { ...database, capture: false },
  };
  await writeFile(path.join(dir, 'preflight.yaml'), JSON.stringify(plan));
  const res = await runCli(['run', '--only', 'migrations', '--json', 'out.json', '--no-store'], {
    cwd: dir,
    env,
    timeoutMs: 120_000,
  });
  const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
  const check = json.checks.find((c) => c.id === 'migrations');
  assert.ok(check, `${res.stdout}\n${res.stderr}`);
  return { code: res.code, check, out: `${res.stdout}\n${res.stderr}` };
}

describe('migrations rehearsal: scratch proven scratch', () => {
  const canary = `preflight17_canary_${process.pid}_${Date.now().toString(36)}`;
  let before_: string;

  before(async () => {
    await admin(`CREATE DATABASE ${canary}`);
    // The canary is a real database at head, with data.
    const dir = await project();
    execFileSync(PYTHON, ['-m', 'alembic', '-c', 'alembic.ini', 'upgrade', 'head'], {
      cwd: dir,
      env: { ...process.env, ...canaryEnv(canary) },
      stdio: 'pipe',
    });
    await admin(
      "INSERT INTO items (name, note) VALUES ('kept', 'a note that a downgrade would drop')",
      canary,
    );
    before_ = dump(canary);
    assert.match(before_, /a note that a downgrade would drop/);
  });

  after(async () => {
    await admin(`DROP DATABASE IF EXISTS ${canary} WITH (FORCE)`);
  });

  /** Which of these databases still exist (a scratch database must be gone when the run ends). */
  const stillThere = async (names: string[]): Promise<string[]> =>
    (await admin('SELECT datname FROM pg_database')).rows
      .map((r: { datname: string }) => r.datname)
      .filter((d: string) => names.includes(d));

  test('POSTGRES_* naming another database: refused before any statement, the canary unchanged', async () => {
    const dir = await project();
    const variants: { name: string; url: string; migrations: Record<string, unknown> }[] = [
      {
        name: 'scratch next to the canary',
        url: `postgresql://${SERVER.username || 'postgres'}@${SERVER.host}/${canary}`,
        migrations: {},
      },
      { name: 'a SQLite scratch', url: 'sqlite:///{{ run.dir }}/app.db', migrations: { dialect: 'sqlite' } },
      {
        name: 'url_env that env.py does not read',
        url: `postgresql://${SERVER.username || 'postgres'}@${SERVER.host}/${canary}`,
        migrations: { url_env: 'SQLALCHEMY_DATABASE_URI' },
      },
    ];
    const scratchNames: string[] = [];
    for (const variant of variants) {
      const { code, check, out } = await rehearse(
        dir,
        { url: variant.url, migrations: { config: 'alembic.ini', python: PYTHON, ...variant.migrations } },
        canaryEnv(canary),
      );
      assert.notEqual(code, 0, `${variant.name}: ${out}`);
      assert.equal(check.status, 'error', `${variant.name}: ${check.summary}`);
      assert.equal(check.error?.code, 'MIGRATIONS_SCRATCH_UNPROVEN', `${variant.name}: ${check.summary}`);
      assert.match(check.summary, /app\/migrations\/env\.py/);
      assert.match(check.summary, /database\.migrations\.env/);
      assert.match(check.summary, /POSTGRES_DB: "\{scratch_name\}"/);
      assert.match(check.summary, /POSTGRES_DB/);
      assert.equal(dump(canary), before_, `${variant.name}: the canary is byte-for-byte unchanged`);
      // The refusal names the scratch database it made (PostgreSQL variants): it must be gone.
      scratchNames.push(...(check.summary.match(/preflight_migrations_[0-9a-f]{10}/g) ?? []));
    }
    assert.equal(scratchNames.length, 2, 'both PostgreSQL variants name their scratch database');
    assert.deepEqual(await stillThere(scratchNames), [], 'no scratch database is left');
  });

  test('with database.migrations.env mapping POSTGRES_*: the rehearsal runs on the scratch database', async () => {
    const dir = await project();
    const { check, out } = await rehearse(
      dir,
      {
        url: `postgresql://${SERVER.username || 'postgres'}@${SERVER.host}/${canary}`,
        migrations: {
          config: 'alembic.ini',
          python: PYTHON,
          env: {
            POSTGRES_SERVER: '{scratch_host}',
            POSTGRES_PORT: '{scratch_port}',
            POSTGRES_USER: '{scratch_user}',
            POSTGRES_DB: '{scratch_name}',
          },
        },
      },
      canaryEnv(canary),
    );
    const rehearsal = check.migrations?.rehearsal;
    assert.equal(rehearsal?.status, 'pass', `${check.summary}\n${out}`);
    assert.deepEqual(
      rehearsal?.steps.map((s) => s.name),
      ['upgrade', 'downgrade', 'upgrade again'],
    );
    assert.equal(dump(canary), before_, 'the canary is byte-for-byte unchanged');
    assert.match(rehearsal?.scratch ?? '', /^preflight_migrations_[0-9a-f]{10}$/);
    assert.deepEqual(await stillThere([rehearsal?.scratch ?? '']), [], 'the scratch database was dropped');
  });

  test('the section init writes for it (POSTGRES_* read from the settings) rehearses on the scratch database', async () => {
    const dir = await project();
    const sources = await Promise.all(
      ['app/settings.py', 'app/migrations/env.py'].map(async (file) => ({
        file,
        text: await readFile(path.join(dir, file), 'utf8'),
      })),
    );
    const detected = await detectAlembic(dir, sources, canaryEnv(canary));
    const database = detected?.database as { url: string; migrations: Record<string, unknown> } | undefined;
    assert.ok(database, detected?.found);
    assert.deepEqual(database.migrations.env, {
      POSTGRES_SERVER: '{scratch_host}',
      POSTGRES_PORT: '{scratch_port}',
      POSTGRES_USER: '{scratch_user}',
      POSTGRES_PASSWORD: '{scratch_password}',
      POSTGRES_DB: '{scratch_name}',
    });
    // The fixture has no venv of its own: the example's Python has Alembic.
    const { check, out } = await rehearse(
      dir,
      { url: database.url, migrations: { ...database.migrations, python: PYTHON } },
      canaryEnv(canary),
    );
    assert.equal(check.migrations?.rehearsal?.status, 'pass', `${check.summary}\n${out}`);
    assert.equal(dump(canary), before_, 'the canary is byte-for-byte unchanged');
  });

  test('an env.py with no offline mode: init writes no check and says why; the check names the cause', async () => {
    const dir = await project();
    const envPy = path.join(dir, 'app', 'migrations', 'env.py');
    const sources = async () =>
      Promise.all(
        ['app/settings.py', 'app/migrations/env.py'].map(async (file) => ({
          file,
          text: await readFile(path.join(dir, file), 'utf8'),
        })),
      );
    const written = await detectAlembic(dir, await sources(), canaryEnv(canary));
    const database = written.database as { url: string; migrations: Record<string, unknown> } | undefined;
    assert.ok(database, written.notWritten);
    // Always online, as some projects' env.py is: `alembic upgrade --sql` cannot render SQL.
    await patchFile(
      envPy,
      /^if context\.is_offline_mode\(\):\n.*\nelse:\n\s+(run_migrations_online\(\))/m,
      '$1',
    );
    assert.doesNotMatch(await readFile(envPy, 'utf8'), /is_offline_mode/);
    const notWritten = await detectAlembic(dir, await sources(), canaryEnv(canary));
    assert.equal(notWritten.database, undefined, 'no blocking check that can never run');
    assert.match(
      notWritten.notWritten ?? '',
      /^no migrations check: app\/migrations\/env\.py has no offline mode .*add the offline branch Alembic's env\.py template has/,
    );
    const { check, out } = await rehearse(
      dir,
      { url: database.url, migrations: { ...database.migrations, python: PYTHON } },
      canaryEnv(canary),
    );
    assert.equal(check.status, 'error', out);
    assert.equal(check.error?.code, 'MIGRATIONS_OFFLINE_FAILED');
    assert.match(
      check.error?.message ?? '',
      /^app\/migrations\/env\.py has no offline mode \(context\.is_offline_mode\(\)\); preflight renders offline SQL .*add the offline branch/,
    );
    assert.equal(dump(canary), before_, 'the canary is byte-for-byte unchanged');
  });
});
