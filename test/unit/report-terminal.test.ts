import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/checks/result.js';
import { formatDuration } from '../../src/render/format.js';
import { createTerminalReporter, detectTerminalMode, helpers } from '../../src/report/terminal.js';
import type { RunResult } from '../../src/run/result.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { captureStream, goRun, noGoRun, replayRun } from './report-fixtures.js';

async function plainOutput(result: RunResult, color = false): Promise<string> {
  const stream = captureStream(false);
  const reporter = createTerminalReporter({ stream, color, live: false, redactor: new Redactor() });
  await replayRun(reporter, result);
  return stream.text();
}

describe('terminal reporter, plain mode', () => {
  it('shows the verdict, the failed step, expected/actual, owner and rollback', async () => {
    const out = await plainOutput(noGoRun());
    assert.match(out, /NO-GO/);
    assert.ok(out.includes('2 blocking checks failed (lint, paths), 1 could not run (migrations)'));
    assert.match(out, /critical path checkout\s+fail/);
    assert.match(out, /step pay\s+fail/);
    assert.ok(out.includes('POST http://127.0.0.1:8000/orders'));
    assert.ok(out.includes('✘ expected status 201, got 500 <&">'));
    assert.match(out, /owner\s+alice/);
    assert.ok(out.includes('make rollback | tee rollback.log; the orders schema change is additive'));
    assert.ok(out.includes('"detail": "payment provider said'), 'response excerpt');
    assert.ok(out.includes('launch record: launches/2025-03-14-shop-1.4.0-101500-3f2a9c.md'));
  });

  it('lists findings, errored checks with their output tail, and flaky steps', async () => {
    const out = await plainOutput(noGoRun());
    assert.ok(out.includes('shop/main.py:3:8 F401 `os` imported but unused'));
    assert.ok(out.includes('shop/orders.py:41:15 E711 comparison to None'));
    assert.ok(out.includes('error[COMMAND_NOT_FOUND]: .venv/bin/alembic was not found'));
    assert.ok(out.includes('sh: 1: .venv/bin/alembic: not found'), 'output tail of the errored check');
    assert.ok(out.includes('flaky: checkout › login passed after 3 attempts'));
    assert.ok(!out.includes('42 passed in 2.21s'), 'the output of a passing check is not shown');
  });

  it("an errored check whose error quotes the tool's output says it once in its detail block", async () => {
    const run = noGoRun();
    const message =
      '`.venv/bin/ruff check .` could not be run (exit 127): /bin/sh: 1: .venv/bin/ruff: not found';
    const migrations = run.checks.find((c) => c.id === 'migrations');
    assert.ok(migrations?.command);
    migrations.summary = message;
    migrations.error = { code: 'TOOL_MISSING', message };
    migrations.command.output_tail = '/bin/sh: 1: .venv/bin/ruff: not found\n';
    const out = await plainOutput(run);
    const detail = out.slice(out.indexOf('check migrations'));
    const block = detail.slice(0, detail.indexOf('\n\n'));
    assert.equal(block.split('/bin/sh: 1: .venv/bin/ruff: not found').length - 1, 1, block);
    assert.match(block, /error\[TOOL_MISSING\]: `\.venv\/bin\/ruff check \.` could not be run/);
  });

  it('prints one line per finished check, with ms under a second and seconds above', async () => {
    const out = await plainOutput(noGoRun());
    const lines = out.split('\n');
    const checkLine = (id: string): string[] => lines.filter((line) => new RegExp(`^. ${id}\\s`).test(line));
    for (const id of ['lint', 'unit', 'paths', 'migrations', 'cache'])
      assert.equal(checkLine(id).length, 1, id);
    assert.match(checkLine('lint')[0] ?? '', /^✘ lint\s+fail\s+340 ms\s+2 findings$/);
    assert.match(checkLine('unit')[0] ?? '', /^✔ unit\s+pass\s+2\.31 s\s+42 tests passed$/);
    assert.match(checkLine('cache')[0] ?? '', /^- cache\s+skip/);
  });

  it('uses no ANSI codes and no cursor control when colour and live are off', async () => {
    const out = await plainOutput(noGoRun());
    assert.ok(!out.includes('\x1b'), 'no escape sequences');
    assert.ok(!out.includes('\r'), 'no carriage returns');
  });

  it('colours only when asked, and helpers.stripAnsi recovers the plain text', async () => {
    const coloured = await plainOutput(noGoRun(), true);
    assert.ok(coloured.includes('\x1b['), 'colour codes present');
    assert.equal(helpers.stripAnsi(coloured), await plainOutput(noGoRun()));
  });

  it('shows GO for a GO run', async () => {
    const out = await plainOutput(goRun());
    assert.match(out, /^ GO {2}shop 1\.4\.0: all 3 blocking checks passed$/m);
    assert.ok(!out.includes('NO-GO'));
    assert.ok(!out.includes('critical path browse'), 'no block for a passing path');
  });

  it('shows the verdict and reason of the result without recomputing them', async () => {
    const result = noGoRun();
    result.verdict = 'go';
    result.reason = 'the failures were judged advisory by the plan';
    const out = await plainOutput(result);
    assert.ok(!out.includes('NO-GO'));
    assert.match(out, /GO {2}shop 1\.4\.0: the failures were judged advisory by the plan/);
  });

  it('prints each failed assertion once, with its name when it has one', async () => {
    const result = noGoRun();
    const pay = result.paths[0]?.steps.find((s) => s.name === 'pay');
    assert.ok(pay);
    pay.failures = [
      // A named assertion (a Postman test): its message starts with the name.
      {
        assertion: 'status',
        expected: 404,
        actual: 422,
        name: '404',
        message: '404: status: expected 404, got 422',
      },
      // A failure without a message: expected / actual, still with its name.
      { assertion: 'json $.id', expected: 7, actual: 8, name: 'the id', message: '' },
    ];
    const lines = (await plainOutput(result)).split('\n');
    const about = (needle: string): string[] => lines.filter((l) => l.includes(needle));
    assert.deepEqual(about('expected 404'), ['    ✘ 404: status: expected 404, got 422']);
    assert.deepEqual(about('json $.id'), ['    ✘ the id: json $.id: expected 7 / actual 8']);
  });

  it('caps findings at 20 with a count of the rest', async () => {
    const result = noGoRun();
    const findings: Finding[] = Array.from({ length: 27 }, (_, i) => ({
      rule: 'E501',
      message: `line too long (${i})`,
      severity: 'error',
      file: 'shop/long.py',
      line: i + 1,
    }));
    const lint = result.checks[0];
    assert.ok(lint);
    lint.findings = findings;
    const out = await plainOutput(result);
    assert.ok(out.includes('shop/long.py:20 E501 line too long (19)'));
    assert.ok(!out.includes('line too long (20)'));
    assert.ok(out.includes('… and 7 more'));
  });

  it('prints the checks it was not told about when only onRunEnd is called', async () => {
    const stream = captureStream(false);
    const reporter = createTerminalReporter({ stream, color: false, live: false, redactor: new Redactor() });
    await reporter.onRunEnd(noGoRun());
    assert.match(stream.text(), /^✘ lint\s+fail/m);
    assert.match(stream.text(), /NO-GO/);
  });

  it('prints every step in verbose mode', async () => {
    const stream = captureStream(false);
    const reporter = createTerminalReporter({
      stream,
      color: false,
      live: false,
      redactor: new Redactor(),
      verbose: true,
    });
    await replayRun(reporter, noGoRun());
    assert.match(stream.text(), /✔ checkout › login {2}pass {2}180 ms {2}flaky: 3 attempts/);
    assert.match(stream.text(), /- checkout › confirm {2}skip/);
  });
});

describe('terminal reporter, live mode', () => {
  it('rewrites a status line of running checks in place and prints finished checks above it', async () => {
    const stream = captureStream(true);
    const reporter = createTerminalReporter({ stream, color: false, live: true, redactor: new Redactor() });
    await replayRun(reporter, noGoRun());
    const out = stream.text();
    assert.ok(out.includes('\r\x1b[2K… running lint'), 'status line drawn with clear-line');
    assert.ok(out.includes('\r\x1b[2K✘ lint'), 'status line cleared before a finished check');
    assert.ok(out.includes('running paths · checkout › pay'), 'status line shows the latest step');
    assert.ok(out.includes('… running migrations\r'), 'a finished check takes its step off the status line');
    const afterLast = out.slice(out.lastIndexOf('\x1b[2K') + 4);
    assert.ok(!afterLast.includes('running'), 'no status line left at the end');
    assert.match(afterLast, /NO-GO/);
  });

  it('stays plain when the stream is not a TTY', async () => {
    const stream = captureStream(false);
    const reporter = createTerminalReporter({ stream, color: false, live: true, redactor: new Redactor() });
    await replayRun(reporter, noGoRun());
    assert.ok(!stream.text().includes('\r'));
    assert.ok(!stream.text().includes('running'));
  });
});

describe('detectTerminalMode', () => {
  it('is live and coloured only on a TTY outside CI without NO_COLOR', () => {
    assert.deepEqual(detectTerminalMode({ write: () => true, isTTY: true }, {}), { color: true, live: true });
    assert.deepEqual(detectTerminalMode({ write: () => true, isTTY: false }, {}), {
      color: false,
      live: false,
    });
    assert.deepEqual(detectTerminalMode({ write: () => true, isTTY: true }, { CI: 'true' }), {
      color: true,
      live: false,
    });
    assert.deepEqual(detectTerminalMode({ write: () => true, isTTY: true }, { NO_COLOR: '1' }), {
      color: false,
      live: false,
    });
  });
});

describe('formatDuration', () => {
  it('shows ms under a second and seconds above', () => {
    assert.equal(formatDuration(340), '340 ms');
    assert.equal(formatDuration(999.4), '999 ms');
    assert.equal(formatDuration(1240), '1.24 s');
    assert.equal(formatDuration(125_000), '2 min 05 s');
  });
});
