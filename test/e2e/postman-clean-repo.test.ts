/**
 * Running a Postman collection directly (`run --plan X.postman_collection.json`) writes the
 * converted plan, its report, the plan cache and the run under `.preflight/` next to the
 * collection: that folder ignores itself, so the collection's repository stays clean and the
 * run's own files do not make its version label `-dirty`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, readJson, runCli, tempDir } from '../support/cli.js';
import { git, initRepo } from '../support/git.js';
import { sendJson, useLocalServer } from '../support/local-server.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'postman', 'script-token.postman_collection.json');

describe('a collection run directly in its repository', () => {
  const server = useLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/login')
      return sendJson(res, 200, {
        jwt: { accessToken: 'a', refreshToken: 'r' },
        session: 's',
        user: { id: 'u1' },
      });
    sendJson(res, 200, {});
  });

  test('leaves git status empty and the version label not -dirty', async () => {
    const repo = await tempDir();
    await mkdir(path.join(repo, 'api'));
    await copyFile(FIXTURE, path.join(repo, 'api', 'shop.postman_collection.json'));
    initRepo(repo);
    git(repo, 'tag', 'v1.0.0');
    const out = path.join(await tempDir(), 'result.json');
    const run = await runCli(
      [
        'run',
        '--plan',
        'shop.postman_collection.json',
        '--base-url',
        server.url,
        '--no-store',
        '--json',
        out,
      ],
      { cwd: path.join(repo, 'api') },
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.ok(existsSync(path.join(repo, 'api', '.preflight', 'imported')), 'the converted plan is there');
    assert.equal(git(repo, 'status', '--porcelain', '--untracked-files=all'), '');
    const result = await readJson(out);
    assert.equal(result.git?.dirty, false, JSON.stringify(result.git));
    assert.equal(result.git?.describe, 'v1.0.0');
    assert.equal(result.service.version, 'v1.0.0');

    // With the history store on: the run is kept beside the collection, where `history --plan
    // COLLECTION` reads, and the repository stays clean.
    const stored = await runCli(['run', '--plan', 'shop.postman_collection.json', '--base-url', server.url], {
      cwd: path.join(repo, 'api'),
    });
    assert.equal(stored.code, 0, `${stored.stdout}\n${stored.stderr}`);
    assert.ok(
      existsSync(path.join(repo, 'api', '.preflight', 'history.db')),
      'history beside the collection',
    );
    assert.equal(git(repo, 'status', '--porcelain', '--untracked-files=all'), '');
    const history = await runCli(['history', '--plan', 'shop.postman_collection.json', '--json'], {
      cwd: path.join(repo, 'api'),
    });
    assert.equal(history.code, 0, history.stderr);
    assert.equal((JSON.parse(history.stdout) as unknown[]).length, 1, history.stdout);
  });
});
