/**
 * Secrets are known before anything starts. A service that prints secrets from its environment
 * while it starts (before, or instead of, the step whose template uses them) shows them in no
 * output; the password of `--base-url http://user:pass@host` is never stored in clear (JSON,
 * record, history, terminal). Each with several secrets and the encodings the service prints.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, runCli, tempDir } from '../support/cli.js';

/** Secrets with characters every encoding treats differently. */
const SECRETS = {
  SHOP_API_KEY: 'Hunter2!canary(x)~y',
  SHOP_SIGNING_SECRET: "sig/ning+se cret'42",
  CI_DEPLOY_TOKEN: 'ghp_c4n4ryT0kenValue0123456789',
};

/** Every way the app below prints a secret. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('hex'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Starts by printing its environment's secrets, in plain text and encoded; then serves the shop. */
const EARLY_APP = `import base64, json, logging, os, urllib.parse
from shop.main import app

log = logging.getLogger("shop.startup")
for name in ("SHOP_API_KEY", "SHOP_SIGNING_SECRET", "CI_DEPLOY_TOKEN"):
    value = os.environ[name]
    print(f"config {name}={value}", flush=True)
    log.error("config %s quoted=%s form=%s b64=%s hex=%s json=%s", name, urllib.parse.quote(value, safe=""),
              urllib.parse.quote_plus(value), base64.b64encode(value.encode()).decode(), value.encode().hex(),
              json.dumps(value))
`;

async function sinks(dir: string, res: { stdout: string; stderr: string }): Promise<Record<string, string>> {
  const out: Record<string, string> = {
    stdout: res.stdout,
    stderr: res.stderr,
    json: await readFile(path.join(dir, 'out.json'), 'utf8'),
    junit: await readFile(path.join(dir, 'out.xml'), 'utf8'),
  };
  const rec = path.join(dir, 'rec');
  for (const f of await readdir(rec)) out[`record ${f}`] = await readFile(path.join(rec, f), 'utf8');
  if (existsSync(path.join(dir, 'report.html')))
    out.html = await readFile(path.join(dir, 'report.html'), 'utf8');
  for (const f of ['history.db', 'history.db-wal']) {
    const at = path.join(dir, '.preflight', f);
    if (existsSync(at)) out[f] = (await readFile(at)).toString('utf8');
  }
  return out;
}

describe('secrets known before anything starts', () => {
  test('a service that prints secrets at start-up, before any step uses them, shows none', {
    timeout: 120_000,
  }, async () => {
    const dir = await copyExample();
    await writeFile(path.join(dir, 'early_app.py'), EARLY_APP);
    // The service inherits the secrets from the environment; only the second step (never
    // reached: the first fails) and an env entry under a secret name refer to them.
    await writeFile(
      path.join(dir, 'early.yaml'),
      `version: 1
service:
  name: shop
  start: .venv/bin/uvicorn early_app:app --host 127.0.0.1 --port {port}
  ready: GET /healthz
  env: { DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db" }
logs: [service]
checks:
  deploy-token: { run: "true", env: { DEPLOY_TOKEN: "{{ env.CI_DEPLOY_TOKEN }}" } }
critical_paths:
  - name: early
    owner: sec
    expect: no secret leaks
    rollback: none
    steps:
      - name: first
        request: { url: /healthz }
        expect: { status: 418 }
      - name: uses the secrets
        request:
          url: /products
          headers: { X-Api-Key: "{{ secrets.SHOP_API_KEY }}", X-Sig: "{{ secrets.SHOP_SIGNING_SECRET }}" }
`,
    );
    const res = await runCli(
      [
        'run',
        '--plan',
        'early.yaml',
        '--json',
        'out.json',
        '--junit',
        'out.xml',
        '--record',
        'rec',
        '--html',
        'report.html',
        '--verbose',
      ],
      { cwd: dir, env: SECRETS },
    );
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8'));
    const log = await readFile(path.join(dir, '.preflight', 'runs', json.run_id, 'service.log'), 'utf8');
    // The service really printed the secret; preflight's file of its output holds it redacted.
    assert.match(log, /config SHOP_API_KEY=\[redacted\]/);
    const steps = json.paths[0].steps.map((s: { name: string; status: string }) => s.status);
    assert.notEqual(steps[1], 'pass', 'the step that uses the secrets never ran');
    const outputs: Record<string, string> = { ...(await sinks(dir, res)), 'service.log': log };
    assert.ok(outputs['history.db'], 'the run was stored');
    assert.ok(outputs.html, 'the HTML report was written');
    for (const [name, text] of Object.entries(outputs))
      for (const secret of Object.values(SECRETS))
        for (const form of forms(secret)) assert.ok(!text.includes(form), `${name} shows ${form}`);
    assert.match(
      res.stdout,
      /config SHOP_API_KEY quoted=\[redacted\] form=\[redacted\]/,
      'the log line is shown, redacted',
    );
  });

  test('--base-url http://user:pass@host: the password is stored nowhere in clear', {
    timeout: 60_000,
  }, async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const password of ['Pa55-w0rd!canary', "s3cr%t/'pass word", 'tok_0123456789abcdefXYZ']) {
        const dir = await tempDir('preflight-base-url-');
        await writeFile(
          path.join(dir, 'preflight.yaml'),
          'version: 1\nservice: { name: s, ready: GET /healthz }\ncritical_paths:\n  - { name: p, owner: o, expect: e, rollback: r, steps: [{ name: one, request: { url: /x } }] }\n',
        );
        const baseUrl = `http://admin:${encodeURIComponent(password)}@127.0.0.1:${port}`;
        const res = await runCli(
          ['run', '--base-url', baseUrl, '--json', 'out.json', '--junit', 'out.xml', '--record', 'rec'],
          { cwd: dir },
        );
        const outputs = await sinks(dir, res);
        assert.ok(outputs['history.db'], `stored: ${res.stdout}\n${res.stderr}`);
        const json = JSON.parse(outputs.json as string);
        assert.equal(json.service.url, `http://admin:[redacted]@127.0.0.1:${port}`);
        for (const [name, text] of Object.entries(outputs))
          for (const form of forms(password)) assert.ok(!text.includes(form), `${name} shows ${form}`);
      }
    } finally {
      server.close();
    }
  });
});
