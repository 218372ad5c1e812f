/**
 * A process's log file with `redactLog`: a secret the command writes in two pieces (two writes,
 * two chunks) is redacted whole, the last line without a newline is written too, and without
 * `redactLog` the bytes go as they came.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ManagedProcess } from '../../src/process/process.js';
import { tempDir } from '../support/cli.js';

const SECRET = 's3cr3t-split-in-two';

async function logOf(command: string, redact?: (text: string) => string): Promise<string> {
  const logFile = path.join(await tempDir('preflight-log-redaction-'), 'service.log');
  const proc = new ManagedProcess(command, {
    cwd: process.cwd(),
    env: process.env,
    logFile,
    ...(redact ? { redactLog: redact } : {}),
  });
  await proc.exited;
  return readFile(logFile, 'utf8');
}

describe('the log file of a process', () => {
  // The second half comes 200 ms later: two chunks, the secret cut between them.
  const command = `printf 'token=s3cr3t-spl'; sleep 0.2; printf 'it-in-two ok\\nlast line %s' '${SECRET}'`;

  test('redactLog sees whole lines: a secret cut between two writes is still redacted', async () => {
    const log = await logOf(command, (text) => text.replaceAll(SECRET, '[redacted]'));
    assert.equal(log, 'token=[redacted] ok\nlast line [redacted]');
  });

  test('without redactLog the output is written as it came', async () => {
    assert.equal(await logOf(command), `token=${SECRET} ok\nlast line ${SECRET}`);
  });
});
