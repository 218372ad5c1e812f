import assert from 'node:assert/strict';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { scanLog } from '../../src/checks/logs/scan.js';
import { scrubLogLine } from '../../src/checks/logs/scrub.js';
import { resolveLogFile, takeLogsBaseline } from '../../src/checks/logs/sources.js';
import { linesInWindow, lineTime, readWindow } from '../../src/checks/logs/window.js';

const lines = (text: string) => text.split('\n').map((t, i) => ({ text: t, line: i + 1 }));

const UVICORN_500 = `INFO:     127.0.0.1:5000 - "POST /orders HTTP/1.1" 500 Internal Server Error
ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/srv/shop/releases/abc/shop/routes/orders.py", line 48, in create_order
    order = Order(user_id=user.id, note=body.note)
  File "/srv/shop/.venv/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec
    cursor.execute(statement, parameters)
sqlite3.OperationalError: table orders has no column named note
ts=2026-01-01T12:00:00.123Z level=INFO logger=shop.access event=request method=GET path=/healthz status=200`;

describe('scanLog', () => {
  it('counts ERROR, CRITICAL and tracebacks, and keeps each traceback through its exception line', () => {
    const text = `${UVICORN_500}\nts=2026-01-01T12:00:01Z level=CRITICAL logger=shop msg="disk full"\n{"level": "error", "msg": "payment failed"}`;
    const { counts, events } = scanLog(lines(text));
    assert.deepEqual(counts, { error: 2, critical: 1, traceback: 1, lines: 11 });
    const tb = events.find((e) => e.kind === 'traceback');
    assert.equal(tb?.line, 3);
    assert.equal(tb?.headline, 'sqlite3.OperationalError: table orders has no column named note');
    assert.equal(tb?.lines.length, 6);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['error', 'traceback', 'critical', 'error'],
    );
  });

  it('follows a traceback whose lines carry a journald prefix', () => {
    const p = 'Nov 21 10:00:00 vps shop[42]: ';
    const text = [
      `${p}Traceback (most recent call last):`,
      `${p}  File "x.py", line 1`,
      `${p}ValueError: bad`,
      `${p}ok`,
    ].join('\n');
    const { events } = scanLog(lines(text));
    // The message is the exception line itself, without the journald prefix.
    assert.equal(events[0]?.headline, 'ValueError: bad');
    assert.equal(events[0]?.lines.length, 3);
  });

  it('does not count INFO lines or the word error in lower case in a message', () => {
    const { counts } = scanLog(lines('level=INFO msg="no errors today"\nINFO: error budget fine'));
    assert.deepEqual(counts, { error: 0, critical: 0, traceback: 0, lines: 2 });
  });
});

describe('the run window', () => {
  it('reads ISO timestamps with and without a zone', () => {
    assert.equal(
      lineTime('ts=2026-01-01T12:00:00.123Z level=INFO')?.toISOString(),
      '2026-01-01T12:00:00.123Z',
    );
    assert.equal(lineTime('2026-01-01 12:00:00+02:00 x')?.toISOString(), '2026-01-01T10:00:00.000Z');
    assert.equal(lineTime('no time here'), null);
  });

  it('keeps timestamped lines inside the window with their undated continuation lines', () => {
    const text = [
      '2026-01-01T11:00:00Z ERROR old',
      'Traceback (most recent call last):',
      '2026-01-01T12:00:05Z ERROR new',
      'Traceback (most recent call last):',
      '  File "x.py", line 1',
      'ValueError: new',
    ].join('\n');
    const window = { start: new Date('2026-01-01T12:00:00Z'), end: new Date('2026-01-01T12:01:00Z') };
    const kept = linesInWindow(text, window, false);
    assert.deepEqual(
      kept.map((l) => l.line),
      [3, 4, 5, 6],
    );
  });

  it('reads only what a file gained since the size recorded at the start of the run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'preflight-logs-'));
    const file = path.join(dir, 'app.log');
    await writeFile(file, 'ERROR before the run\n');
    const baseline = takeLogsBaseline([{ file: 'app.log' }, 'service'], dir);
    assert.equal(baseline.sizes.get(file), 21);
    await appendFile(file, 'INFO during\nERROR during the run\n');
    const window = { start: baseline.startedAt, end: new Date() };
    const read = await readWindow(file, baseline.sizes.get(file) ?? null, window);
    assert.deepEqual(
      read?.lines.map((l) => l.text),
      ['INFO during', 'ERROR during the run'],
    );
    assert.equal(read?.from, 'appended');
    assert.equal(await readWindow(path.join(dir, 'missing.log'), null, window), null);
  });

  it('expands environment variables in file paths, relative to the plan', () => {
    assert.equal(
      resolveLogFile('$ROOT/shared/log/shop.log', '/plan', { ROOT: '/srv/shop' }),
      '/srv/shop/shared/log/shop.log',
    );
    assert.equal(resolveLogFile('logs/app.log', '/plan', {}), '/plan/logs/app.log');
  });
});

describe('scrubLogLine', () => {
  it('masks bearer tokens, password pairs and URL passwords', () => {
    const out = scrubLogLine(
      'Authorization: Bearer eyJhbGciOi.abc.def password=hunter22 url=postgresql://shop:s3cretpw@db/shop token: "abc123xyz"',
    );
    for (const secret of ['eyJhbGciOi', 'hunter22', 's3cretpw', 'abc123xyz'])
      assert.ok(!out.includes(secret), out);
    assert.match(out, /Bearer \[redacted\]/);
  });
});
