/**
 * The `config` check (staging against production, secrets by hash only) and the `logs`
 * check (a Traceback the real example service logs while the critical paths run).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  copyExample,
  patchFile,
  processesIn,
  readJson,
  readRecord,
  runCli,
  tempDir,
} from '../support/cli.js';

const CONFIG_PLAN = `version: 1
service: { name: shop, owner: team-shop }
staging:
  config:
    staging: staging.env
    production: production.env
    expected_differences: [DATABASE_URL]
`;

describe('the config check', () => {
  test('staging lacking a key that production has: NO-GO naming the key and the file:line', async () => {
    const dir = await tempDir('preflight-config-');
    await writeFile(path.join(dir, 'preflight.yaml'), CONFIG_PLAN);
    await writeFile(path.join(dir, 'staging.env'), 'LOG_LEVEL=INFO\nDATABASE_URL=sqlite:///shop.db\n');
    await writeFile(
      path.join(dir, 'production.env'),
      'LOG_LEVEL=INFO\nDATABASE_URL=postgresql://db/shop\nPAYMENTS_URL=https://pay.shop.test\n',
    );
    const res = await runCli(['run', '--plan', 'preflight.yaml', '--json', 'out.json'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /NO-GO/);
    assert.match(res.stdout, /staging lacks PAYMENTS_URL/);
    assert.match(res.stdout, /production\.env:3 config-missing/);
    const json = await readJson(path.join(dir, 'out.json'));
    const config = json.checks.find((c) => c.kind === 'config');
    assert.equal(config?.status, 'fail');
    assert.deepEqual(
      config?.findings?.map((f) => [f.rule, f.file, f.line]),
      [['config-missing', 'production.env', 3]],
    );
  });

  test('a secret shared by staging and production: a finding, and the value in no output', async () => {
    const dir = await tempDir('preflight-config-');
    const secret = 'Zx9-shared-9f3b1c7e2a4d6f8091';
    const other = 'Qw7-prod-only-5e1d3c9b7a2f4e60';
    await writeFile(path.join(dir, 'preflight.yaml'), CONFIG_PLAN);
    await writeFile(
      path.join(dir, 'staging.env'),
      `SHOP_SECRET_KEY=${secret}\nSTRIPE_API_KEY=sk_test_4f2a9c1e\nCALLBACK_URL=https://staging.shop.test/cb\n`,
    );
    await writeFile(
      path.join(dir, 'production.env'),
      // The production secret also sits inside a value that differs: it must be redacted there too.
      `SHOP_SECRET_KEY=${secret}\nSTRIPE_API_KEY=${other}\nCALLBACK_URL=https://shop.test/cb?k=${other}\n`,
    );
    const res = await runCli(
      ['run', '--plan', 'preflight.yaml', '--only', 'config', '--json', 'out.json', '--record', 'records'],
      { cwd: dir, timeoutMs: 30_000 },
    );
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, /SHOP_SECRET_KEY has the same value on staging and production/);
    const json = await readJson(path.join(dir, 'out.json'));
    const rules = json.checks.find((c) => c.kind === 'config')?.findings?.map((f) => f.rule);
    assert.deepEqual(rules?.sort(), ['config-differs', 'config-shared-secret']);
    const outputs = {
      stdout: res.stdout,
      stderr: res.stderr,
      json: await readFile(path.join(dir, 'out.json'), 'utf8'),
      record: await readRecord(path.join(dir, 'records')),
    };
    for (const [name, text] of Object.entries(outputs)) {
      assert.ok(!text.includes(secret), `the shared secret is not in ${name}`);
      assert.ok(!text.includes(other), `the production secret is not in ${name}`);
    }
    assert.match(outputs.record, /config-shared-secret/);
    assert.match(outputs.json, /cb\?k=\[redacted\]/);
  });
});

describe('the logs check', () => {
  test('a service that logs a Traceback while the critical paths run: logs fails with the excerpt', async () => {
    const dir = await copyExample();
    const auth = path.join(dir, 'shop', 'routes', 'auth.py');
    await patchFile(auth, /^from fastapi import/m, 'import logging\n\nfrom fastapi import');
    await patchFile(
      auth,
      /^ {4}return TokenOut\(/m,
      [
        '    try:',
        '        raise ConnectionError("audit log unreachable at 10.0.0.9:514")',
        '    except ConnectionError:',
        '        logging.getLogger("shop.audit").exception("could not write the login audit entry")',
        '    return TokenOut(',
      ].join('\n'),
    );
    const res = await runCli(
      [
        'run',
        '--plan',
        'preflight.yaml',
        '--only',
        'paths,logs',
        '--json',
        'out.json',
        '--record',
        'records',
      ],
      { cwd: dir },
    );
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = await readJson(path.join(dir, 'out.json'));
    assert.equal(json.checks.find((c) => c.id === 'paths')?.status, 'pass', 'the paths themselves pass');
    const logs = json.checks.find((c) => c.kind === 'logs');
    assert.equal(logs?.status, 'fail');
    assert.match(logs?.summary ?? '', /Traceback/);
    assert.match(logs?.summary ?? '', /over the limit/);
    const traceback = logs?.findings?.find((f) => f.rule === 'log-traceback');
    assert.equal(traceback?.file, 'service');
    assert.equal(traceback?.message, 'ConnectionError: audit log unreachable at 10.0.0.9:514');
    assert.match(
      traceback?.excerpt ?? '',
      /^Traceback \(most recent call last\):\n {2}File ".*auth\.py", line \d+, in login/,
    );
    assert.ok(
      logs?.findings?.some(
        (f) => f.rule === 'log-error' && /could not write the login audit entry/.test(f.message),
      ),
    );
    assert.match(res.stdout, /ConnectionError: audit log unreachable/);
    assert.match(res.stdout, /│ Traceback \(most recent call last\):/);
    const record = await readRecord(path.join(dir, 'records'));
    assert.match(record, /Excerpt of `service:\d+` \(log-traceback\)/);
    assert.match(record, /raise ConnectionError\("audit log unreachable/);
    assert.deepEqual(processesIn(dir), []);
  });
});
