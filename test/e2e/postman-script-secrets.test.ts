/**
 * Values a kept Postman script sets (pm.environment, pm.collectionVariables, pm.variables,
 * postman.setEnvironmentVariable, in a test or a pre-request script) are registered for
 * redaction as captures are: under a secret-looking name they appear in no output of a run
 * of the collection (stdout, stderr, JSON, JUnit, record, HTML, the run directory, the
 * store); under another name they are shown as they are.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, readJson, runCli, tempDir } from '../support/cli.js';
import { sendJson, useLocalServer, withBody } from '../support/local-server.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'postman', 'script-token.postman_collection.json');

const TOKEN = `eyJ${randomBytes(16).toString('hex')}`;
const REFRESH = `refresh-${randomBytes(12).toString('hex')}`;
const SESSION = `sess-${randomBytes(12).toString('hex')}`;
/** What the pre-request script computes from the token. */
const NONCE = [...TOKEN].reverse().join('');
const USER_ID = 'user-7f3a9c2e';

describe('variables set by a kept script', () => {
  const server = useLocalServer(
    withBody((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/login')
        return sendJson(res, 200, {
          jwt: { accessToken: TOKEN, refreshToken: REFRESH },
          session: SESSION,
          user: { id: USER_ID },
        });
      if (url.pathname === '/me') {
        const ok =
          req.headers.authorization === `Bearer ${TOKEN}` &&
          req.headers['x-refresh'] === REFRESH &&
          req.headers['x-session'] === SESSION &&
          url.searchParams.get('nonce') === NONCE;
        // The answer echoes every secret: a later step's body must hide them too.
        return sendJson(res, ok ? 200 : 401, {
          token: TOKEN,
          refresh: REFRESH,
          session: SESSION,
          nonce: NONCE,
        });
      }
      if (url.pathname === `/users/${USER_ID}`) return sendJson(res, 200, { id: USER_ID });
      sendJson(res, 404, { detail: 'not found' });
    }),
  );

  test('are redacted in every output under a secret-looking name, shown under another', async () => {
    const dir = await tempDir();
    await copyFile(FIXTURE, path.join(dir, 'script-token.postman_collection.json'));
    const run = await runCli(
      [
        'run',
        '--plan',
        'script-token.postman_collection.json',
        '--base-url',
        server.url,
        '--json',
        'out.json',
        '--junit',
        'out.xml',
        '--record',
        'launches',
        '--html',
        'out.html',
        '--verbose',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const result = await readJson(path.join(dir, 'out.json'));
    const steps = result.paths.flatMap((p) => p.steps);
    assert.deepEqual(
      steps.map((s) => [s.name, s.status]),
      [
        ['Log in', 'pass'],
        ['Me', 'pass'],
        ['User', 'pass'],
      ],
    );
    // The login answer is in the result, with its secrets hidden and its user id shown.
    const login = JSON.stringify(steps[0]?.response);
    assert.match(login, /\[redacted\]/);
    assert.match(login, new RegExp(USER_ID));
    assert.match(JSON.stringify(steps[2]?.request), new RegExp(`/users/${USER_ID}`));

    const outputs: [string, string][] = [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
    ];
    for (const file of await filesUnder(dir))
      outputs.push([path.relative(dir, file), await readFile(file, 'latin1')]);
    assert.ok(
      outputs.some(([name]) => name.endsWith('history.db')),
      'the run was stored',
    );
    for (const [name, text] of outputs)
      for (const secret of [TOKEN, REFRESH, SESSION, NONCE])
        assert.ok(!text.includes(secret), `${secret.slice(0, 8)}... appears in ${name}`);
  });
});

/** Every file under `dir`, deep. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
