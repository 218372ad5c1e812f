/**
 * The README's "Your own app" walkthrough, kept true: the `npx preflight` lines of its
 * walkthrough block are run, in order, in a copy of test/fixtures/fastapi-backend (our own
 * FastAPI app with OAuth2 login in backend/), and each must succeed; the last must be a GO.
 */
import assert from 'node:assert/strict';
import { cp, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { EXAMPLE, ROOT, runCli, tempDir } from '../support/cli.js';

/** The shell lines between the walkthrough markers, comments dropped. */
async function walkthrough(): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough:[^>]*-->\n```sh\n([\s\S]*?)```\n<!-- \/walkthrough -->/.exec(readme)?.[1];
  assert.ok(block, 'README.md has the walkthrough block');
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

describe('README: your own app', () => {
  test('the walkthrough runs as written on a FastAPI app with OAuth2 login in backend/', async () => {
    const lines = await walkthrough();
    assert.ok(lines.length >= 3, lines.join('\n'));
    const repo = path.join(await tempDir('preflight-walkthrough-'), 'repo');
    await cp(path.join(ROOT, 'test', 'fixtures', 'fastapi-backend'), repo, {
      recursive: true,
      filter: (src) => !src.includes('__pycache__'),
    });
    await symlink(path.join(EXAMPLE, '.venv'), path.join(repo, 'backend', '.venv'));
    let cwd = repo;
    let last = '';
    for (const line of lines) {
      const cd = /^cd (\S+)$/.exec(line);
      if (cd) {
        cwd = path.join(cwd, cd[1] as string);
        continue;
      }
      const args = /^npx preflight (.*)$/.exec(line)?.[1]?.split(/\s+/);
      assert.ok(args, `a walkthrough line is "cd DIR" or "npx preflight …": ${line}`);
      const res = await runCli(args, { cwd, timeoutMs: 180_000 });
      last = `${res.stdout}\n${res.stderr}`;
      assert.equal(res.code, 0, `${line}\n${last}`);
    }
    assert.match(last, /\bGO\b/);
    assert.doesNotMatch(last, /NO-GO|COULD NOT RUN/);
  });
});
