/**
 * Every directory preflight makes goes through own-dir: one under a `.preflight/` gives that
 * folder (the innermost of that name) its `.gitignore` of `*`; any other is just made.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeDir, makeDirSync, ownDir } from '../../src/plan/own-dir.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-own-dir-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ignored = (folder: string): Promise<string> => readFile(path.join(folder, '.gitignore'), 'utf8');

describe('own directories', () => {
  test('ownDir, makeDir and makeDirSync under .preflight/ write its .gitignore', async () => {
    for (const [name, make] of [
      ['a', (d: string) => ownDir(d, 'runs', 'r1')],
      ['b', (d: string) => makeDir(path.join(d, '.preflight', 'imported'))],
      ['c', async (d: string) => makeDirSync(path.join(d, '.preflight', 'cache'))],
    ] as const) {
      const root = path.join(dir, name);
      await make(root);
      assert.match(await ignored(path.join(root, '.preflight')), /^\*$/m, name);
    }
  });

  test('only the innermost .preflight gets one; a directory outside any is just made', async () => {
    const outer = path.join(dir, 'd', '.preflight');
    await makeDir(path.join(outer, 'imported', '.preflight', 'runs'));
    assert.ok(existsSync(path.join(outer, 'imported', '.preflight', '.gitignore')));
    assert.ok(!existsSync(path.join(outer, '.gitignore')));
    await makeDir(path.join(dir, 'e', 'out'));
    assert.ok(existsSync(path.join(dir, 'e', 'out')));
    assert.ok(!existsSync(path.join(dir, 'e', 'out', '.gitignore')));
  });

  test('the history store next to a plan ignores itself', async () => {
    const store = await openSqliteStore(path.join(dir, 'f', '.preflight', 'history.db'));
    await store.close();
    assert.match(await ignored(path.join(dir, 'f', '.preflight')), /^\*$/m);
  });
});
