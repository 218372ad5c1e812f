/**
 * What a run loads decides its start-up (a 1-request run is mostly module loading): a plain-http
 * run of a cached plan without the history store loads neither undici's entry point (fetch,
 * WebSocket, mocks: some 40 modules), nor the plan's schema (zod), nor the YAML parser, the
 * SQLite driver or the Postman loader. The timings are in `npm run bench` (start-up rows); this
 * test keeps the modules from coming back.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempDir } from '../support/cli.js';
import { startLocalServer } from '../support/local-server.js';

const PRELOAD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'support',
  'loaded-modules.mjs',
);

const PLAN = [
  'version: 1',
  'service: { name: one }',
  'critical_paths:',
  '  - name: one',
  '    owner: alice',
  '    expect: the service answers',
  '    rollback: none needed',
  '    steps:',
  '      - name: items',
  '        request: { url: /items }',
  '        expect: { status: 200, json: { "$.count": 1 } }',
  '        capture: { first: "$.items[0]" }',
  '',
].join('\n');

describe('modules a run loads', () => {
  test('a plain-http run of a cached plan, --no-store: no undici entry, zod, YAML parser, SQLite or Postman loader', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'preflight.yaml'), PLAN);
    const server = await startLocalServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ count: 1, items: ['a'] }));
    });
    try {
      const args = ['run', '--base-url', server.url, '--no-store'];
      // The first run parses the plan and fills the plan cache; the second is the one a user repeats.
      const first = await runCli(args, { cwd: dir });
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
      const list = path.join(dir, 'modules.txt');
      const res = await runCli(args, {
        cwd: dir,
        env: { NODE_OPTIONS: `--import ${PRELOAD}`, PREFLIGHT_LOADED_MODULES: list },
      });
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const loaded = (await readFile(list, 'utf8')).split('\n').filter(Boolean);
      const ours = (rel: string) => loaded.some((m) => m.endsWith(`/dist/${rel}`));
      // The list is complete enough to see the run's own transport and the modules kept out.
      assert.ok(ours('http/h1-pool.js'), `the lean transport was loaded:\n${loaded.join('\n')}`);
      assert.ok(
        loaded.some((m) => m.includes('/node_modules/undici/lib/dispatcher/dispatcher.js')),
        "undici's Dispatcher base class was loaded (the run's agent is one)",
      );
      const kept = loaded.filter((m) =>
        [
          '/node_modules/undici/index.js',
          '/node_modules/undici/lib/dispatcher/agent.js',
          '/node_modules/zod/',
          '/node_modules/yaml/',
          '/node_modules/better-sqlite3/',
          '/dist/plan/schema.js',
          '/dist/ecosystem/postman/',
          '/dist/checks/rehearsal/lock.js',
        ].some((needle) => m.includes(needle)),
      );
      assert.deepEqual(kept, [], 'modules a plain-http run of a cached plan does not need');
    } finally {
      await server.close();
    }
  });
});
