/**
 * Secrets never reach an output, even when the service echoes them back; a step that
 * passes only on its second try is reported flaky.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, runCli, tempDir } from '../support/cli.js';
import { SHOP_SERVICE } from '../support/plan-text.js';

const ENV_CANARY = 'pw-canary-7f3a9c1e42';
const FILE_CANARY = 'file-canary-51b2d8e0aa';

describe('secrets and flaky steps', () => {
  test('a secret the service echoes back never appears in stdout, stderr, JSON, JUnit or the record', async () => {
    const dir = await copyExample();
    await writeFile(path.join(dir, '.env.secrets'), `FILE_CANARY=${FILE_CANARY}\n`);
    await writeFile(
      path.join(dir, 'echo.yaml'),
      `${SHOP_SERVICE}secrets: { file: .env.secrets }
critical_paths:
  - name: support
    owner: dana
    expect: a customer files a support ticket
    rollback: revert
    steps:
      - name: sign up
        request: { method: POST, url: /auth/signup, json: { email: "s-{{ run.id }}@shop.test", password: "{{ secrets.SHOP_PASSWORD }}", name: S } }
        expect: { status: 201 }
      - name: log in
        request: { method: POST, url: /auth/login, json: { email: "s-{{ run.id }}@shop.test", password: "{{ secrets.SHOP_PASSWORD }}" } }
        expect: { status: 200 }
        capture: { token: "$.token" }
      - name: ticket echoes the secrets
        request:
          method: POST
          url: /support/tickets
          headers: { Authorization: "Bearer {{ token }}" }
          json: { subject: "help", message: "password {{ secrets.SHOP_PASSWORD }} and {{ secrets.FILE_CANARY }} token {{ token }}" }
        expect: { status: 201, body: { not_contains: "{{ secrets.FILE_CANARY }}" } }
`,
    );
    const res = await runCli(
      [
        'run',
        '--plan',
        'echo.yaml',
        '--json',
        'out.json',
        '--junit',
        'out.xml',
        '--record',
        'rec',
        '--verbose',
      ],
      {
        cwd: dir,
        env: { SHOP_PASSWORD: ENV_CANARY },
      },
    );
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const step = json.paths[0]?.steps[2];
    assert.equal(step?.status, 'fail', 'the echo step failed, so its response excerpt is shown');
    assert.match(step?.response?.body ?? '', /\[redacted\]/);
    const recordDir = path.join(dir, 'rec');
    const { readdir } = await import('node:fs/promises');
    const record = await readFile(path.join(recordDir, (await readdir(recordDir))[0] as string), 'utf8');
    const outputs: Record<string, string> = {
      stdout: res.stdout,
      stderr: res.stderr,
      json: await readFile(path.join(dir, 'out.json'), 'utf8'),
      junit: await readFile(path.join(dir, 'out.xml'), 'utf8'),
      record,
    };
    for (const [name, text] of Object.entries(outputs)) {
      assert.ok(!text.includes(ENV_CANARY), `${name} leaks the env secret`);
      assert.ok(!text.includes(FILE_CANARY), `${name} leaks the file secret`);
      assert.doesNotMatch(text, /Bearer [A-Za-z0-9_.-]{20,}/, `${name} leaks the token`);
    }
    assert.match(res.stdout, /\[redacted\]/);
  });

  test('a step that passes only on its second try is reported flaky', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      if (req.url === '/healthz') return res.end('ok');
      calls++;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: calls > 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const dir = await tempDir();
      await writeFile(
        path.join(dir, 'flaky.yaml'),
        `version: 1
service: { name: api, ready: GET /healthz }
critical_paths:
  - name: report
    owner: erin
    expect: the report is generated
    rollback: none
    steps:
      - name: generate
        request: { url: /report }
        expect: { status: 200, json: { "$.ok": true } }
        retry: { count: 2, interval: 50ms }
`,
      );
      const res = await runCli(
        ['run', '--plan', 'flaky.yaml', '--base-url', url, '--json', 'out.json', '--junit', 'out.xml'],
        { cwd: dir },
      );
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      const step = json.paths[0]?.steps[0];
      assert.equal(step?.status, 'pass');
      assert.equal(step?.flaky, true);
      assert.equal(step?.attempts, 2);
      assert.equal(json.paths[0]?.flaky, true);
      assert.match(res.stdout, /flaky/i);
      assert.match(await readFile(path.join(dir, 'out.xml'), 'utf8'), /flaky/);
    } finally {
      server.close();
    }
  });
});
