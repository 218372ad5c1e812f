/**
 * Messages for a project that is not the example (issue 19): hints derived from the user's
 * plan, `--base-url` asking only for the secrets the checks that run use, TODO placeholders
 * in one line, and invalid JSONPaths caught by `validate`.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, runCli, tempDir, withShop } from '../support/cli.js';

/** What only the example project is called: its name, its seed script, its set-up script. */
const EXAMPLE_NAMES = /\bshop\b|seed\.py|ensure-venv|examples\//i;

describe('messages for your own project', () => {
  test('a hint for a plan that is not the example names nothing of the example', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      [
        'version: 1',
        'service: { name: billing, url: "http://127.0.0.1:9" }',
        'contract: { schema: /openapi.json, command: ./no-venv/bin/st }',
        '',
      ].join('\n'),
    );
    const res = await runCli(['run', '--only', 'contract', '--no-store'], { cwd: dir, timeoutMs: 30_000 });
    const out = `${res.stdout}\n${res.stderr}`;
    assert.equal(res.code, 3, out);
    assert.match(out, /CONTRACT_TOOL_MISSING/);
    // Derived from the plan: no .venv next to it, so both places preflight looks are named.
    assert.match(out, /in a \.venv next to the plan \(\.venv\/bin\/pip install 'schemathesis>=4\.32,<5'\)/);
    assert.doesNotMatch(out, EXAMPLE_NAMES);
  });

  test('--base-url: the secrets of service.env are not asked for, those a step uses are', async () => {
    const dir = await copyExample();
    // A plan of its own next to the example's app: service.env names a secret only the start needs.
    await writeFile(
      path.join(dir, 'remote.yaml'),
      [
        'version: 1',
        'service:',
        '  name: catalogue',
        '  start: .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}',
        '  ready: GET /healthz',
        '  env: { SIGNING_KEY: "{{ secrets.SERVICE_SIGNING_KEY }}" }',
        'critical_paths:',
        '  - name: browse',
        '    owner: a',
        '    expect: products are listed',
        '    rollback: none',
        '    steps:',
        '      - name: list',
        '        request: { url: /products, headers: { X-Launch-Key: "{{ secrets.LAUNCH_KEY }}" } }',
        '        expect: { status: 200 }',
        '',
      ].join('\n'),
    );
    const run = (env: Record<string, string>, url?: string) =>
      runCli(['run', '--plan', 'remote.yaml', '--no-store', ...(url ? ['--base-url', url] : [])], {
        cwd: dir,
        env,
        timeoutMs: 60_000,
      });
    await withShop(dir, async (url) => {
      // The service runs already: its start-up secret is not needed, the step's is.
      const go = await run({ LAUNCH_KEY: 'k-1' }, url);
      assert.equal(go.code, 0, `${go.stdout}\n${go.stderr}`);
      assert.doesNotMatch(go.stdout + go.stderr, /SERVICE_SIGNING_KEY/);
      const missing = await run({}, url);
      const out = `${missing.stdout}\n${missing.stderr}`;
      assert.notEqual(missing.code, 0, out);
      assert.match(out, /secret LAUNCH_KEY is not set/);
      assert.doesNotMatch(out, /SERVICE_SIGNING_KEY/);
    });
    // Without --base-url preflight starts the service, which needs its secret.
    const start = await run({ LAUNCH_KEY: 'k-1' });
    assert.notEqual(start.code, 0, start.stdout);
    assert.match(start.stdout + start.stderr, /secret SERVICE_SIGNING_KEY is not set/);
  });

  test('TODO placeholders: one line on run, each one with --verbose and in validate', async () => {
    const dir = await tempDir();
    const paths = [1, 2, 3, 4].map((n) =>
      [
        `  - name: p${n}`,
        '    owner: "TODO: who answers for this path at launch"',
        '    expect: "TODO: the expected result, in words"',
        '    rollback: "TODO: how to roll back if this path breaks after launch"',
        `    steps: [{ name: s, request: { url: /x, json: { email: "TODO: a email" } }, expect: { status: 200 } }]`,
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      [
        'version: 1',
        'service: { name: api, url: "http://127.0.0.1:9", owner: "TODO: the team" }',
        'checks: { lint: { run: "true" } }',
        'critical_paths:',
        ...paths,
        '',
      ].join('\n'),
    );
    const placeholders = (text: string): number =>
      text.split('\n').filter((l) => l.includes('is still a placeholder')).length;
    const run = await runCli(['run', '--only', 'lint', '--no-store'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(placeholders(run.stderr), 0, run.stderr);
    const todoLines = run.stderr.split('\n').filter((l) => l.includes('PLAN_TODO'));
    assert.deepEqual(todoLines, [
      'warning[PLAN_TODO]: 17 placeholders still TODO (owner, expect, rollback…): run with --verbose or `preflight validate` to list them',
    ]);
    const verbose = await runCli(['run', '--only', 'lint', '--no-store', '--verbose'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.equal(placeholders(verbose.stderr), 17, verbose.stderr);
    const validate = await runCli(['validate'], { cwd: dir });
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(placeholders(validate.stderr), 17, validate.stderr);
    assert.match(validate.stderr, /--> preflight\.yaml:6:12/);
  });

  test('an invalid JSONPath fails validate with file:line:column and what was expected', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      [
        'version: 1',
        'service: { name: api, url: "http://127.0.0.1:9" }',
        'critical_paths:',
        '  - name: items',
        '    owner: a',
        '    expect: an item is made',
        '    rollback: none',
        '    steps:',
        '      - name: create',
        '        request: { method: POST, url: /items, json: { name: pen } }',
        '        capture: { id: "$.id[" }',
        '',
      ].join('\n'),
    );
    const res = await runCli(['validate'], { cwd: dir });
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(
      res.stderr,
      /error\[PLAN_JSONPATH\]: invalid JSONPath "\$\.id\[" in the capture "id" of step "create"/,
    );
    assert.match(res.stderr, /--> preflight\.yaml:11:30/);
    assert.match(res.stderr, /\^ expected "\]" to close the "\[" at character 5/);
    const run = await runCli(['run', '--no-store'], { cwd: dir });
    assert.equal(run.code, 2, 'a run refuses the plan before anything starts');
  });
});
