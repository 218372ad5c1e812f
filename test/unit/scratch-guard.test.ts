import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { GUARD_REFUSAL, scratchGuardEnv } from '../../src/checks/scratch-guard.js';
import { EXAMPLE, tempDir } from '../support/cli.js';

const run = promisify(execFile);
const PYTHON = path.join(EXAMPLE, '.venv', 'bin', 'python');

/** SQLAlchemy in the example's venv opens `url` (and runs one read) under the guard for `scratch`. */
async function connect(url: string, scratch: string): Promise<{ ok: boolean; output: string }> {
  const script = `import sqlalchemy, sys\ne = sqlalchemy.create_engine(sys.argv[1])\nwith e.connect() as c: c.exec_driver_sql("select 1")\nprint("connected")`;
  try {
    const { stdout, stderr } = await run(PYTHON, ['-c', script, url], {
      env: { ...process.env, ...scratchGuardEnv(scratch) },
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return { ok: false, output: e.stdout + e.stderr };
  }
}

describe('the scratch guard: SQLAlchemy connects to the scratch database and nowhere else', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('preflight-guard-');
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  test('SQLite: the scratch file opens; another file is refused before it is opened or created', async () => {
    const scratch = path.join(dir, 'scratch.db');
    const mine = await connect(`sqlite:///${scratch}`, `sqlite:///${scratch}`);
    assert.ok(mine.ok, mine.output);
    const canary = path.join(dir, 'canary.db');
    await writeFile(canary, '');
    const other = await connect(`sqlite:///${canary}`, `sqlite:///${scratch}`);
    assert.equal(other.ok, false);
    assert.match(other.output, new RegExp(GUARD_REFUSAL));
    assert.equal((await readFile(canary)).length, 0, 'the other file is still empty: never opened by SQLite');
    const absent = path.join(dir, 'absent.db');
    assert.equal((await connect(`sqlite:///${absent}`, `sqlite:///${scratch}`)).ok, false);
    assert.equal(existsSync(absent), false, 'a file that did not exist is not created');
  });

  test('PostgreSQL: the scratch database answers; another database on the same server is refused', async () => {
    const scratch = 'postgresql://postgres@127.0.0.1:5432/postgres';
    const mine = await connect('postgresql://postgres@localhost:5432/postgres', scratch);
    assert.ok(mine.ok, mine.output);
    const other = await connect('postgresql://postgres@127.0.0.1:5432/template1', scratch);
    assert.equal(other.ok, false);
    assert.match(other.output, new RegExp(GUARD_REFUSAL));
    const port = await connect('postgresql://postgres@127.0.0.1:5433/postgres', scratch);
    assert.match(port.output, new RegExp(GUARD_REFUSAL), 'another port is another server');
  });
});
