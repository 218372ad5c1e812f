import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeJsonResult } from '../../src/report/json.js';
import { writeJunit } from '../../src/report/junit.js';
import { writeRecord } from '../../src/report/record.js';
import { createSink, writeFileRedacted } from '../../src/report/sink.js';
import { createTerminalReporter } from '../../src/report/terminal.js';
import type { RunResult } from '../../src/run/result.js';
import { REDACTED } from '../../src/secrets/names.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { captureStream, noGoRun, replayRun, SECRET } from './report-fixtures.js';

/** The NO-GO run with SECRET leaked into the failed step's response, a command's output and a finding. */
function leakyRun(): RunResult {
  const result = noGoRun();
  const pay = result.paths[0]?.steps[2];
  assert.ok(pay?.response);
  pay.response.body = `{"token": "${SECRET}", "detail": "boom"}`;
  const migrations = result.checks[3];
  assert.ok(migrations?.command);
  migrations.command.output_tail = `connecting with password=${SECRET}\nfailed`;
  result.checks[0]?.findings?.push({
    rule: 'S105',
    message: `hardcoded password "${SECRET}"`,
    severity: 'error',
  });
  return result;
}

function secretRedactor(): Redactor {
  const redactor = new Redactor();
  redactor.add(SECRET);
  return redactor;
}

/** Whether any recognisable part of SECRET (or its escaped forms) is in `text`. */
function leaks(text: string): boolean {
  const head = SECRET.slice(0, 8);
  return text.includes(head) || text.includes(encodeURIComponent(SECRET)) || text.includes('7d6c');
}

async function allOutputs(result: RunResult): Promise<Record<string, string>> {
  const redactor = secretRedactor();
  const dir = await mkdtemp(join(tmpdir(), 'preflight-redact-'));
  const outputs: Record<string, string> = {};
  for (const [mode, tty, color] of [
    ['plain', false, false],
    ['live', true, true],
  ] as const) {
    const stream = captureStream(tty);
    await replayRun(createTerminalReporter({ stream, color, live: tty, redactor, verbose: true }), result);
    outputs[`terminal ${mode}`] = stream.text();
  }
  await writeJsonResult(join(dir, 'result.json'), result, redactor);
  outputs.json = await readFile(join(dir, 'result.json'), 'utf8');
  await writeJunit(join(dir, 'junit.xml'), result, redactor);
  outputs.junit = await readFile(join(dir, 'junit.xml'), 'utf8');
  outputs.record = await readFile(await writeRecord(join(dir, 'launches'), result, redactor), 'utf8');
  return outputs;
}

describe('redaction in every reporter', () => {
  it('the leaked secret is planted where reporters show it', async () => {
    // Without a registered secret the outputs do show it: the planting is real.
    const redactor = new Redactor();
    const stream = captureStream(false);
    await replayRun(createTerminalReporter({ stream, color: false, live: false, redactor }), leakyRun());
    assert.ok(stream.text().includes(SECRET));
  });

  it('keeps a registered secret out of terminal, JSON, JUnit and record outputs', async () => {
    const outputs = await allOutputs(leakyRun());
    assert.deepEqual(Object.keys(outputs), ['terminal plain', 'terminal live', 'json', 'junit', 'record']);
    for (const [name, text] of Object.entries(outputs)) {
      assert.ok(!leaks(text), `${name} leaks the secret`);
      assert.ok(text.includes(REDACTED), `${name} shows where the secret was`);
    }
  });

  it('redacts a secret that an excerpt would cut in half', async () => {
    const result = leakyRun();
    const pay = result.paths[0]?.steps[2];
    assert.ok(pay?.response);
    pay.response.body = `${'x'.repeat(795)}${SECRET}`;
    for (const [name, text] of Object.entries(await allOutputs(result))) {
      assert.ok(!text.includes(SECRET.slice(0, 5)), `${name} leaks the start of the secret`);
    }
  });
});

describe('output sinks', () => {
  it('createSink redacts every write', () => {
    const written: string[] = [];
    const sink = createSink({ write: (text) => written.push(text), redactor: secretRedactor() });
    sink.write(`token ${SECRET} end`);
    assert.deepEqual(written, [`token ${REDACTED} end`]);
  });

  it('writeFileRedacted creates parent directories and redacts', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'preflight-sink-')), 'a', 'b', 'out.txt');
    await writeFileRedacted(file, `x ${SECRET} y`, secretRedactor());
    assert.equal(await readFile(file, 'utf8'), `x ${REDACTED} y`);
  });
});
