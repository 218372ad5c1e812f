/**
 * The query-capture shim in a real Python: the DB-API wrapper (sqlite3, no SQLAlchemy),
 * nothing recorded without PREFLIGHT_CAPTURE_FILE, and the service's own sitecustomize
 * still runs.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { captureEnv, readCapture } from '../../src/checks/database/capture.js';
import { runCommand } from '../../src/process/process.js';
import { EXAMPLE, tempDir } from '../support/cli.js';

const PYTHON = path.join(EXAMPLE, '.venv', 'bin', 'python');
const SCRIPT = [
  'import sqlite3, sys',
  'db = sqlite3.connect(":memory:")',
  'db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")',
  'db.executemany("INSERT INTO t (v) VALUES (?)", [("a",), ("b",)])',
  'cur = db.cursor()',
  'cur.execute("SELECT v FROM t WHERE id = ?", (2,))',
  'print(cur.fetchone()[0], "sqlalchemy" in sys.modules)',
].join('\n');

async function python(dir: string, env: Record<string, string>): Promise<string> {
  await writeFile(path.join(dir, 'script.py'), SCRIPT);
  const outcome = await runCommand(`${PYTHON} script.py`, {
    cwd: dir,
    env: { ...process.env, ...env },
    timeoutMs: 20_000,
    signal: new AbortController().signal,
  });
  assert.equal(outcome.exit_code, 0, outcome.output);
  return outcome.output;
}

test('sqlite3 statements are captured through the DB-API wrapper, with params and timing', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'capture.jsonl');
  const own = path.join(dir, 'own');
  await mkdir(own);
  await writeFile(path.join(own, 'sitecustomize.py'), 'print("own sitecustomize ran")\n');
  const env = captureEnv(file, { PYTHONPATH: own });
  const output = await python(dir, env);
  assert.match(output, /own sitecustomize ran/);
  assert.match(output, /^b False$/m, 'the result is unchanged and SQLAlchemy was not imported');
  const statements = await readCapture(file);
  assert.deepEqual(
    statements.map((s) => [s.sql, s.params, s.many ?? 1, s.step]),
    [
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)', [], 1, null],
      ['INSERT INTO t (v) VALUES (?)', ['a'], 2, null],
      ['SELECT v FROM t WHERE id = ?', [2], 1, null],
    ],
  );
  assert.ok(statements.every((s) => s.ms >= 0 && s.t > 0));
});

test('without PREFLIGHT_CAPTURE_FILE the shim records nothing', async () => {
  const dir = await tempDir();
  const env = captureEnv(path.join(dir, 'capture.jsonl'), {});
  delete (env as Record<string, string | undefined>).PREFLIGHT_CAPTURE_FILE;
  assert.match(await python(dir, env), /^b False$/m);
  await assert.rejects(readFile(path.join(dir, 'capture.jsonl')), /ENOENT/);
});
