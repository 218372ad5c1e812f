/**
 * `preflight validate` on broken plans: exit 2 and messages pinned by golden files.
 * Regenerate with UPDATE_GOLDEN=1 after an intended change, and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'plans');
const BROKEN = ['misspelt-key', 'wrong-type', 'missing-keys', 'unknown-variable', 'yaml-syntax'];

async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(FIXTURES, `${name}.stderr`);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) await writeFile(file, actual);
  assert.equal(actual, await readFile(file, 'utf8'), `golden file ${name}.stderr differs`);
}

describe('preflight validate', () => {
  for (const name of BROKEN) {
    test(`${name}: exit 2 with positions (golden)`, async () => {
      const rel = path.join('test', 'fixtures', 'plans', `${name}.yaml`);
      const res = await runCli(['validate', '--plan', rel]);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, new RegExp(`${rel.replace(/[.]/g, '\\.')}:\\d+:\\d+`));
      await golden(name, res.stderr);
    });
  }

  test('a misspelt key names file:line:column, shows a caret and suggests the key', async () => {
    const res = await runCli(['validate', '--plan', 'test/fixtures/plans/misspelt-key.yaml']);
    assert.equal(res.code, 2);
    assert.match(
      res.stderr,
      /error\[PLAN_UNKNOWN_KEY\]: unknown key "expcet" in step "login" of critical path "checkout"/,
    );
    assert.match(res.stderr, /--> test\/fixtures\/plans\/misspelt-key\.yaml:14:9/);
    assert.match(res.stderr, /\^\^\^\^\^\^ did you mean "expect"\?/);
  });

  test('a wrong type names what was expected, and every problem is listed at once', async () => {
    const res = await runCli(['validate', '--plan', 'test/fixtures/plans/wrong-type.yaml']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /wrong-type\.yaml:17:27/);
    assert.match(
      res.stderr,
      /"status": expected a number or a list or a mapping, got the string "two hundred"/,
    );
    assert.match(res.stderr, /"ready_timeout": expected a duration/);
    assert.match(res.stderr, /did you mean "ruff"\?/);
    assert.match(res.stderr, /"blocking": expected a boolean/);
    assert.match(res.stderr, /"max_ms"/);
    assert.match(res.stderr, /the plan has 5 errors/);
  });

  test('a valid plan exits 0', async () => {
    const res = await runCli(['validate', '--plan', 'test/fixtures/plans/valid.yaml']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /valid \(0 command checks, 1 critical path\)/);
  });

  test('the summary counts the checks besides commands and paths (a migrations check)', async () => {
    const dir = await tempDir('preflight-validate-');
    const plan = await readFile(path.join(FIXTURES, 'valid.yaml'), 'utf8');
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      `${plan}\ndatabase:\n  url: "{{ env.DATABASE_URL }}"\n  capture: false\n  migrations: alembic\n`,
    );
    const res = await runCli(['validate'], { cwd: dir });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /valid \(0 command checks, 1 critical path, migrations check\)/);
  });

  test('a missing plan file exits 2 with a hint', async () => {
    const res = await runCli(['validate', '--plan', 'nope/preflight.yaml']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /cannot read the plan nope\/preflight\.yaml/);
  });

  test('an unknown flag is a usage error (exit 2)', async () => {
    const res = await runCli(['run', '--plna', 'x.yaml']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /unknown option '--plna'/);
  });
});
