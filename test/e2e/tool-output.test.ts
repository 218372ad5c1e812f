/**
 * Tool output is read whole and bounded only in what is shown: ruff's JSON is parsed from the
 * whole of its stdout (a file), never from a tail of stdout and stderr together, so a project
 * with thousands of findings (megabytes of JSON) is a failed lint with every finding, and
 * brackets on stderr do not confuse the parser.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/run/result.js';
import { EXAMPLE, runCli, tempDir } from '../support/cli.js';

const RUFF = path.join(EXAMPLE, '.venv', 'bin', 'ruff');

async function lint(
  dir: string,
  run: string,
): Promise<{ code: number | null; json: RunResult; out: string }> {
  await writeFile(
    path.join(dir, 'preflight.yaml'),
    `version: 1\nservice: { name: s, start: "true" }\nchecks:\n  lint: { run: ${JSON.stringify(run)}, parse: ruff }\n`,
  );
  const res = await runCli(['run', '--only', 'lint', '--json', 'out.json', '--no-store'], { cwd: dir });
  const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
  return { code: res.code, json, out: `${res.stdout}\n${res.stderr}` };
}

describe('tool output read whole', () => {
  test('real ruff with thousands of findings (megabytes of JSON): every finding', async () => {
    const dir = await tempDir('preflight-ruff-');
    const lines = Array.from({ length: 3000 }, (_, i) => `value_${i} = value_${i} == None\n`);
    await writeFile(path.join(dir, 'many.py'), lines.join(''));
    const { code, json, out } = await lint(
      dir,
      `${RUFF} check --no-cache --select E711 --output-format=json .`,
    );
    const check = json.checks[0];
    assert.equal(code, 1, out);
    assert.equal(check?.status, 'fail', check?.summary);
    assert.equal(check?.findings?.length, 3000);
    assert.ok((check?.command?.output_tail.length ?? 0) < 64 * 1024, 'what is shown stays bounded');
  });

  test('JSON over 64 KiB with brackets on stderr, at several sizes: parsed from stdout alone', async () => {
    const dir = await tempDir('preflight-fake-ruff-');
    const script = `import json, sys
n = int(sys.argv[1])
sys.stderr.write("warning: [tool.ruff] is deprecated]\\n")
items = [{"code": "E711", "message": "x" * 200, "filename": "a.py", "location": {"row": i + 1, "column": 1}} for i in range(n)]
text = json.dumps(items)
half = len(text) // 2
sys.stdout.write(text[:half]); sys.stdout.flush()
sys.stderr.write("[note] half way ] [\\n"); sys.stderr.flush()
sys.stdout.write(text[half:]); sys.stdout.flush()
sys.stderr.write("done [%d] ]\\n" % n)
sys.exit(1)
`;
    await writeFile(path.join(dir, 'fake_ruff.py'), script);
    for (const n of [300, 2000, 20000]) {
      const { code, json, out } = await lint(dir, `python3 fake_ruff.py ${n}`);
      const check = json.checks[0];
      assert.equal(code, 1, `${n}: ${out}`);
      assert.equal(check?.status, 'fail', `${n}: ${check?.summary}`);
      assert.equal(check?.findings?.length, n);
    }
  });
});
