/**
 * A `unit` check whose tests all pass but whose command fails (real pytest, coverage under its
 * `--cov-fail-under` threshold): the cause is shown, as an `exit-code` finding with the last
 * lines of the output, in the terminal, the JSON result, the launch record and `--junit`.
 */
import assert from 'node:assert/strict';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { EXAMPLE, ROOT, runCli, tempDir } from '../support/cli.js';

const PYTEST = path.join(EXAMPLE, '.venv', 'bin', 'pytest');
const PYTHON = path.join(EXAMPLE, '.venv', 'bin', 'python');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'cov-project');

describe('the output tail when the exit code disagrees with the parsed result', () => {
  test('pytest exits 1 with every test passed (coverage under the threshold): exit-code finding and tail', async () => {
    const dir = await tempDir('preflight-cov-');
    await cp(FIXTURE, dir, { recursive: true });
    const run = `${PYTEST} -q -p no:cacheprovider --cov=calc --cov-report=term-missing --cov-fail-under=90 --junitxml={junit}`;
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      `version: 1\nservice: { name: calc, start: "true" }\nchecks:\n  unit: { run: ${JSON.stringify(run)}, parse: junit, timeout: 2m }\n`,
    );
    const res = await runCli(
      ['run', '--only', 'unit', '--json', 'out.json', '--junit', 'junit.xml', '--record', 'records'],
      { cwd: dir },
    );
    const out = `${res.stdout}\n${res.stderr}`;
    assert.equal(res.code, 1, out);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const unit = json.checks.find((c) => c.id === 'unit');
    assert.equal(unit?.status, 'fail', unit?.summary);
    assert.deepEqual([unit?.tests?.passed, unit?.tests?.failed, unit?.tests?.errors], [2, 0, 0]);
    assert.match(
      unit?.summary ?? '',
      /all 2 tests passed but pytest exited 1: .*Required test coverage of 90/,
    );
    const finding = unit?.findings?.find((f) => f.rule === 'exit-code');
    assert.ok(finding, JSON.stringify(unit?.findings));
    assert.match(
      finding.message,
      /^pytest exited 1 but every test passed: .*Required test coverage of 90(\.0)?% not reached/,
    );
    // The tail: the coverage table with the missed lines, then the reason.
    assert.match(finding.excerpt ?? '', /^calc\.py\s+\d+\s+\d+\s+\d+%/m);
    assert.match(finding.excerpt ?? '', /^TOTAL\s+/m);
    assert.ok((finding.excerpt ?? '').split('\n').length <= 30);
    // The terminal shows the finding and the tail under it.
    assert.match(res.stdout, /exit-code pytest exited 1 but every test passed/);
    assert.match(res.stdout, /│ TOTAL\s+/);
    assert.match(res.stdout, /│ .*Required test coverage of 90/);
    // The record and --junit carry it too.
    const records = path.join(dir, 'records');
    const [record] = (await readdir(records)).filter((f) => f.endsWith('.md'));
    const md = await readFile(path.join(records, record as string), 'utf8');
    assert.match(md, /`exit-code` pytest exited 1 but every test passed/);
    const junit = await readFile(path.join(dir, 'junit.xml'), 'utf8');
    assert.match(junit, /exit-code pytest exited 1 but every test passed/);
    assert.doesNotMatch(junit, /&amp;#10;|&amp;amp;/, 'escaped once');
  });

  test('a ruff run that exits 2 with no findings: an exit-code finding with the tail', async () => {
    const dir = await tempDir('preflight-ruff-exit-');
    // ruff's shape when its configuration is broken: an empty JSON array, the cause on stderr.
    const script = `import sys
print("[]")
sys.stderr.write("ruff failed\\n  Cause: Failed to parse pyproject.toml: unknown field \`selectt\`\\n")
sys.exit(2)
`;
    await writeFile(path.join(dir, 'fake_ruff.py'), script);
    const run = `${PYTHON} fake_ruff.py check --output-format=json .`;
    await writeFile(
      path.join(dir, 'preflight.yaml'),
      `version: 1\nservice: { name: s, start: "true" }\nchecks:\n  lint: { run: ${JSON.stringify(run)}, parse: ruff }\n`,
    );
    const res = await runCli(['run', '--only', 'lint', '--json', 'out.json', '--no-store'], { cwd: dir });
    assert.equal(res.code, 3, `${res.stdout}\n${res.stderr}`);
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const lint = json.checks.find((c) => c.id === 'lint');
    assert.equal(lint?.status, 'error');
    const finding = lint?.findings?.find((f) => f.rule === 'exit-code');
    assert.match(
      finding?.message ?? '',
      /^ruff exited 2 but it reported no findings: .*Failed to parse pyproject\.toml/,
    );
    assert.match(finding?.excerpt ?? '', /ruff failed/);
    assert.match(res.stdout, /│ {3}Cause: Failed to parse pyproject\.toml/);
    assert.equal(res.stdout.match(/│ ruff failed/g)?.length, 1, 'the tail is shown once');
  });
});
