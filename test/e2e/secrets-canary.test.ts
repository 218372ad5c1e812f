/**
 * One canary secret, passed in every way preflight can meet a secret: the environment, the
 * secrets file, a captured token, a cookie the service sets, an Authorization header, a
 * response body that echoes it, and the service's own log (ERROR lines the `logs` check
 * shows). It must not appear in stdout, stderr, the JSON, JUnit,
 * the Markdown record, the HTML report, or the raw bytes of the history store.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { copyExample, runCli } from '../support/cli.js';

const CANARY = 'canary-5e1f0c9a7d3b42e8';
const FILE_CANARY = 'filecanary-0b9d64c2a1f7';

/** The shop with one more route that hands the canary out in every way, and logs it. */
const CANARY_APP = `import logging, os
from fastapi import Request, Response
from shop.main import app

log = logging.getLogger("shop.canary")
CANARY = os.environ["CANARY"]
log.error("starting with CANARY=%s", CANARY)
print(f"stdout of the service: {CANARY}", flush=True)


@app.get("/canary")
def canary(request: Request, response: Response):
    log.error("request with authorization=%s cookie=%s", request.headers.get("authorization"), request.cookies)
    response.set_cookie("session", CANARY)
    return {"token": CANARY, "echo": request.headers.get("authorization"), "file": os.environ.get("FILE_SECRET")}
`;

const PLAN = `version: 1
service:
  name: shop
  start: .venv/bin/uvicorn canary_app:app --host 127.0.0.1 --port {port}
  ready: GET /healthz
  env:
    DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db"
    CANARY: "{{ secrets.CANARY }}"
    FILE_SECRET: "{{ secrets.FILE_CANARY }}"
secrets: { file: .env.secrets }
logs: [service]
critical_paths:
  - name: canary
    owner: sec
    expect: the canary never leaks
    rollback: none
    steps:
      - name: hand out
        request: { url: /canary, headers: { Authorization: "Bearer {{ secrets.CANARY }}" } }
        expect: { status: 200 }
        capture: { token: "$.token" }
      - name: use it
        request: { url: "/canary?t={{ token }}", headers: { X-Token: "{{ token }}" } }
        expect: { status: 200, body: { contains: "nothing like this" } }
`;

describe('secrets canary', () => {
  test('one canary passed every way appears in no output and not in the store', {
    timeout: 90_000,
  }, async () => {
    const dir = await copyExample();
    await writeFile(path.join(dir, 'canary_app.py'), CANARY_APP);
    await writeFile(path.join(dir, '.env.secrets'), `FILE_CANARY=${FILE_CANARY}\n`);
    await writeFile(path.join(dir, 'canary.yaml'), PLAN);
    const args = ['run', '--plan', 'canary.yaml', '--json', 'out.json', '--junit', 'out.xml'];
    const res = await runCli([...args, '--record', 'rec', '--html', 'report.html', '--verbose'], {
      cwd: dir,
      env: { CANARY },
    });
    assert.equal(res.code, 1, `${res.stdout}\n${res.stderr}`);
    const json = await readFile(path.join(dir, 'out.json'), 'utf8');
    assert.match(json, /"id": ?"logs"/, 'the logs check ran over the service log');
    const serviceLog = await readFile(
      path.join(dir, '.preflight', 'runs', JSON.parse(json).run_id, 'service.log'),
      'utf8',
    );
    // The service really wrote the canary; preflight's file of its output holds it redacted.
    assert.match(serviceLog, /stdout of the service: \[redacted\]/);
    const rec = path.join(dir, 'rec');
    const outputs: Record<string, string> = {
      stdout: res.stdout,
      stderr: res.stderr,
      json,
      'service.log': serviceLog,
      junit: await readFile(path.join(dir, 'out.xml'), 'utf8'),
      record: await readFile(path.join(rec, (await readdir(rec))[0] as string), 'utf8'),
    };
    if (existsSync(path.join(dir, 'report.html')))
      outputs.html = await readFile(path.join(dir, 'report.html'), 'utf8');
    for (const file of ['history.db', 'history.db-wal']) {
      const at = path.join(dir, '.preflight', file);
      if (existsSync(at)) outputs[file] = (await readFile(at)).toString('latin1');
    }
    assert.ok(outputs.html, 'the HTML report was written');
    assert.ok(outputs['history.db'], 'the run was stored');
    for (const [name, text] of Object.entries(outputs)) {
      for (const secret of [CANARY, FILE_CANARY, encodeURIComponent(CANARY)]) {
        assert.ok(!text.includes(secret), `${name} leaks ${secret}`);
      }
    }
    assert.match(outputs.json ?? '', /\[redacted\]/, 'what was hidden is marked');
    assert.match(res.stdout, /starting with CANARY=\[redacted\]/, 'the log line is shown, redacted');
    assert.match(res.stdout, /authorization=Bearer \[redacted\]/);
  });
});
