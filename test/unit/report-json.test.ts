import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeJsonResult } from '../../src/report/json.js';
import type { RunResult } from '../../src/run/result.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { resultSchemaFile, resultValidator } from '../support/result-schema.js';
import { goRun, noGoRun } from './report-fixtures.js';

const schemaFile = resultSchemaFile;
const validator = resultValidator;

/** A NO-GO result with every optional field set, so the schema is checked for all of them. */
function fullRun(): RunResult {
  const result = noGoRun();
  result.shard = { index: 1, total: 2 };
  result.service_log = '.preflight/service.log';
  result.service.ready_note = 'GET / answered 500 Internal Server Error; went on: the critical paths decide';
  const step = result.paths[0]?.steps[2];
  assert.ok(step);
  step.request = { ...(step.request ?? { method: 'POST', url: '/', headers: {} }), body: '{"cart": 1}' };
  step.error = { code: 'HTTP_TIMEOUT', message: 'no answer within 5 s' };
  step.skip_reason = 'not skipped, but the field is allowed';
  const lint = result.checks[0];
  assert.ok(lint);
  lint.tests = { total: 1, passed: 1, failed: 0, errors: 0, skipped: 0 };
  lint.error = { code: 'X', message: 'y' };
  lint.skip_reason = 'z';
  return result;
}

async function writeAndRead(
  result: RunResult,
  redactor = new Redactor(),
): Promise<{ text: string; data: unknown }> {
  const file = join(await mkdtemp(join(tmpdir(), 'preflight-json-')), 'out', 'result.json');
  await writeJsonResult(file, result, redactor);
  const text = await readFile(file, 'utf8');
  return { text, data: JSON.parse(text) };
}

describe('writeJsonResult', () => {
  it('writes the result as pretty JSON, unchanged, in a directory it creates', async () => {
    const result = noGoRun();
    const { text, data } = await writeAndRead(result);
    assert.deepEqual(data, result);
    assert.ok(text.startsWith('{\n  "schema_version": 1,'));
    assert.ok(text.endsWith('}\n'));
  });
});

describe('schema/result.schema.json', () => {
  it('is a draft 2020-12 schema that accepts the GO, NO-GO and fully populated results as written', async () => {
    const validate = await validator();
    for (const result of [goRun(), noGoRun(), fullRun()]) {
      const { data } = await writeAndRead(result);
      assert.equal(validate(data), true, `${result.verdict}: ${JSON.stringify(validate.errors)}`);
    }
    const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as Record<string, unknown>;
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('is what the result types generate (scripts/result-schema.mjs): not written by hand, not stale', () => {
    const script = fileURLToPath(new URL('../../scripts/result-schema.mjs', import.meta.url));
    const check = spawnSync(process.execPath, [script, '--check', fileURLToPath(schemaFile)], {
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, check.stderr);
  });

  it('accepts a result without git information', async () => {
    const validate = await validator();
    const result = goRun();
    result.git = null;
    assert.equal(validate(JSON.parse(JSON.stringify(result))), true);
  });

  it('rejects unknown verdicts and statuses, missing fields and unknown fields', async () => {
    const validate = await validator();
    const mutations: ((r: Record<string, unknown>) => void)[] = [
      (r) => {
        r.verdict = 'maybe';
      },
      (r) => {
        r.exit_code = 2;
      },
      (r) => {
        delete r.reason;
      },
      (r) => {
        r.surprise = true;
      },
      (r) => {
        (r.checks as Record<string, unknown>[])[0] = { ...(r.checks as object[])[0], status: 'passed' };
      },
      (r) => {
        const path = (r.paths as { steps: Record<string, unknown>[] }[])[0];
        if (path?.steps[0]) delete path.steps[0].attempts;
      },
      (r) => {
        r.started_at = 'yesterday';
      },
    ];
    for (const [i, mutate] of mutations.entries()) {
      const data = JSON.parse(JSON.stringify(noGoRun())) as Record<string, unknown>;
      mutate(data);
      assert.equal(validate(data), false, `mutation ${i} should be rejected`);
    }
  });
});
