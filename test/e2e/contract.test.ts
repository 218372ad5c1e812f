/**
 * The `contract` check on the real example under uvicorn, driven by the real Schemathesis
 * (installed in the example's venv by scripts/ensure-venv.sh): a copy whose ids are unbounded
 * again (the 500s the check found before the fix) lists findings with curl reproductions; the
 * example as it is now is GO; a missing `st` is exit 3; a secret header is in no output.
 */
import assert from 'node:assert/strict';
import { cp, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../src/checks/result.js';
import type { RunResult } from '../../src/run/result.js';
import { copyExample, patchFile, ROOT, runCli, tempDir } from '../support/cli.js';

const SECRET = 'Kc7-contract-key-3f9a0d5e2b8c41';

/**
 * A bounded contract section: two operations, few examples, a fixed seed. The examples bound the
 * work; the time budget is only a backstop, generous so that a busy machine cannot cut the run
 * before the examples that find the 500s (on a loaded CI machine 15 s did).
 */
const SECTION = `contract:
  schema: /openapi.json
  operations: { include: ["GET /products/{product_id}", "GET /products"] }
  max_examples: 15
  max_time: 90s
  phases: [examples, coverage, fuzzing]
  rate_limit: 500/s
  seed: 7
  headers: { X-Shop-Launch: "{{ secrets.SHOP_CONTRACT_KEY }}" }
`;

async function shopWith(section: string): Promise<string> {
  const dir = await copyExample();
  await patchFile(path.join(dir, 'preflight.yaml'), /\ncontract:\n(?: {2}.*\n)+/, `\n${section}`);
  return dir;
}

async function runContract(dir: string): Promise<{ code: number | null; out: string; json: RunResult }> {
  const res = await runCli(['run', '--only', 'contract', '--json', 'out.json'], {
    cwd: dir,
    env: { SHOP_CONTRACT_KEY: SECRET },
    timeoutMs: 240_000,
  });
  const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
  return { code: res.code, out: `${res.stdout}\n${res.stderr}`, json };
}

/** Every file under `dir` (the run directories, the JSON), for a secret that must not be there. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true })) {
    const file = path.join(dir, entry);
    if (file.includes(`${path.sep}.venv`)) continue;
    if ((await stat(file)).isFile()) out.push(file);
  }
  return out;
}

/**
 * Every process's command line, read from /proc every 50 ms until `until` settles: whether one
 * held `secret`, and whether Schemathesis was seen at all (so that a watch that missed the run
 * cannot pass).
 */
async function watchCommandLines(
  secret: string,
  until: Promise<unknown>,
): Promise<{ leaked: string[]; sawSt: boolean }> {
  const leaked: string[] = [];
  let sawSt = false;
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const args = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
      const argv = args.split('\u0000');
      if (argv.some((a) => a.endsWith('/st')) && argv.includes('run')) sawSt = true;
      if (args.includes(secret)) leaked.push(args.replaceAll('\u0000', ' '));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { leaked, sawSt };
}

describe('the contract check (Schemathesis)', () => {
  test('unbounded ids again: NO-GO with server errors, operation, status and a curl; the secret header in no output', async () => {
    const dir = await shopWith(SECTION);
    await patchFile(
      path.join(dir, 'shop', 'bounds.py'),
      'IdPath = Annotated[int, Path(ge=1, le=DB_INT_MAX)]',
      'IdPath = Annotated[int, Path(ge=1)]',
    );
    const { code, out, json } = await runContract(dir);
    assert.equal(code, 1, out);
    const check = json.checks.find((c) => c.kind === 'contract');
    assert.equal(check?.status, 'fail', out);
    const errors = check?.contract?.findings.filter((f) => f.severity === 'error') ?? [];
    const serverError = errors.find(
      (f) => f.code === 'ST101' && f.operation === 'GET /products/{product_id}',
    );
    assert.ok(serverError, JSON.stringify(check?.contract?.findings, null, 1));
    assert.equal(check?.contract?.seed, 7);
    assert.match(check?.summary ?? '', /to generate the same cases again: contract\.seed: 7/);
    assert.equal(serverError.status, 500);
    assert.match(serverError.curl ?? '', /^curl -X GET .*\/products\/\d{11,}/);
    assert.match(
      out,
      /ST101 GET \/products\/\{product_id\}: Server error \(status 500\); reproduce with: curl/,
    );
    // The header was sent (Schemathesis shows it in each curl; a name it does not sanitize
    // itself), and preflight's redactor hid its value.
    assert.match(serverError.curl ?? '', /X-Shop-Launch: \[redacted\]/);
    assert.ok(!out.includes(SECRET), 'the secret is not in the terminal output');
    for (const file of await filesUnder(dir)) {
      const text = await readFile(file, 'latin1');
      assert.ok(!text.includes(SECRET), `the secret is not in ${path.relative(dir, file)}`);
    }
  });

  test('the example as fixed: GO, every selected operation tested; the header value on no command line', async () => {
    const dir = await shopWith(SECTION);
    const running = runContract(dir);
    const watched = await watchCommandLines(SECRET, running);
    const { code, out, json } = await running;
    assert.ok(watched.sawSt, 'Schemathesis was seen running');
    assert.deepEqual(watched.leaked, [], 'no process had the header value in its arguments (ps shows them)');
    assert.equal(code, 0, out);
    const check = json.checks.find((c) => c.kind === 'contract');
    assert.equal(check?.status, 'pass', out);
    assert.deepEqual(
      check?.coverage?.map((c) => [c.what, c.covered, c.asked]),
      [
        ['operations tested', 2, 2],
        ['operations past authorization (not only 401/403)', 2, 2],
      ],
    );
    assert.ok(!out.includes(SECRET));
  });

  test("protected operations: fuzzed as the plan's auth user, GO; anonymous, only 401s: not a pass (NO-GO)", async () => {
    const protectedOps = (ops: string[], seed = '  seed: 3\n') => `contract:
  schema: /openapi.json
  operations: { include: ${JSON.stringify(ops)} }
  max_examples: 5
  max_time: 90s
  phases: [examples, coverage, fuzzing]
  rate_limit: 500/s
${seed}`;
    // As the buyer the checkout path signs up: every case gets past authorization.
    const dir = await shopWith(
      `${protectedOps(['GET /me', 'GET /cart', 'POST /auth/login'])}  auth: buyer\n`,
    );
    const as = await runCli(['run', '--only', 'paths,contract', '--json', 'out.json'], {
      cwd: dir,
      timeoutMs: 240_000,
    });
    const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
    const check = json.checks.find((c) => c.kind === 'contract');
    assert.equal(as.code, 0, as.stdout + as.stderr);
    assert.equal(check?.status, 'pass');
    // POST /auth/login answers 401 to made-up credentials: its own answer, not a missing token
    // (it requires none in the document), so it does not count against the coverage.
    assert.match(check?.summary ?? '', /3 operations as "buyer"/);
    assert.deepEqual(
      check?.coverage?.map((c) => [c.what, c.covered, c.asked]),
      [
        ['operations tested', 3, 3],
        ['operations past authorization (not only 401/403)', 3, 3],
        ['"buyer" could still log in after the run (cases did not run as a deleted user)', 1, 1],
        ['the credentials Schemathesis ran with still worked after the run (GET /me)', 1, 1],
      ],
    );
    // Anonymous: Schemathesis tested both, but nothing behind the 401 ran. POST /cart/items
    // answers a mix of 401 and 422 (no missing_auth warning): the document's security says it.
    // Unseeded (the verdict does not depend on the cases): preflight draws a seed and keeps it.
    // POST /auth/login answers 401 to made-up credentials (Schemathesis' missing_auth may flag it),
    // but the document requires no credentials for it: it is not counted.
    const anon = await shopWith(
      `${protectedOps(['GET /me', 'POST /cart/items', 'POST /auth/login'], '')}  auth: none\n`,
    );
    const { code, out, json: anonJson } = await runContract(anon);
    assert.equal(code, 1, out);
    const refused = anonJson.checks.find((c) => c.kind === 'contract');
    assert.equal(refused?.status, 'error');
    assert.equal(refused?.error?.code, 'INCOMPLETE_COVERAGE');
    const drawn = refused?.contract?.seed;
    assert.ok(Number.isInteger(drawn), `a drawn seed is kept: ${drawn}`);
    assert.ok(refused?.command?.command.includes(`--seed ${drawn}`), refused?.command?.command);
    assert.match(
      refused?.summary ?? '',
      /2 of 3 operations require credentials \(security in the OpenAPI document\).* without credentials.*: GET \/me, POST \/cart\/items; /,
    );
    assert.match(out, /NO-GO/);
  });

  test('the fuzzer deletes the user it runs as, or revokes its token: not a pass (NO-GO); without DELETE /me and POST /logout, GO', async () => {
    // Our fixture, written for this: a user that DELETE /me removes, as on a public FastAPI template.
    const dir = path.join(await tempDir('preflight-self-delete-'), 'svc');
    await cp(path.join(ROOT, 'test', 'fixtures', 'self-deleting-user'), dir, { recursive: true });
    await symlink(path.join(ROOT, 'examples', 'shop', '.venv'), path.join(dir, '.venv'));
    const run = async (): Promise<{ code: number | null; out: string; check: CheckResult | undefined }> => {
      const res = await runCli(['run', '--json', 'out.json', '--no-store'], { cwd: dir, timeoutMs: 240_000 });
      const json = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      return {
        code: res.code,
        out: `${res.stdout}\n${res.stderr}`,
        check: json.checks.find((c) => c.kind === 'contract'),
      };
    };
    await patchFile(
      path.join(dir, 'preflight.yaml'),
      '  auth: fuzzer\n',
      '  auth: fuzzer\n  operations: { exclude: ["POST /logout"] }\n',
    );
    const lost = await run();
    assert.equal(lost.code, 1, lost.out);
    assert.equal(lost.check?.error?.code, 'INCOMPLETE_COVERAGE', lost.out);
    assert.match(lost.check?.summary ?? '', /after the run "fuzzer" could not log in again/);
    assert.deepEqual(lost.check?.coverage?.at(-1)?.covered, 0);

    // The user stays, but POST /logout revokes the token the cases run with: a new login works,
    // the old token does not.
    await patchFile(path.join(dir, 'preflight.yaml'), '"POST /logout"]', '"DELETE /me"]');
    const revoked = await run();
    assert.equal(revoked.code, 1, revoked.out);
    assert.equal(revoked.check?.error?.code, 'INCOMPLETE_COVERAGE', revoked.out);
    assert.match(
      revoked.check?.summary ?? '',
      /stopped working during the run \(GET \/me answered 200 before the run and 401 after it\)/,
    );

    await patchFile(path.join(dir, 'preflight.yaml'), '"DELETE /me"]', '"DELETE /me", "POST /logout"]');
    const kept = await run();
    assert.equal(kept.code, 0, kept.out);
    assert.equal(kept.check?.status, 'pass', kept.out);
    assert.deepEqual(kept.check?.coverage?.map((c) => [c.what, c.covered, c.asked]).slice(-2), [
      ['"fuzzer" could still log in after the run (cases did not run as a deleted user)', 1, 1],
      ['the credentials Schemathesis ran with still worked after the run (GET /me)', 1, 1],
    ]);
  });

  test('contract.auth whose login fails (the user is signed up by a path that did not run): could not run', async () => {
    const dir = await shopWith(`${SECTION}  auth: buyer\n`);
    const { code, out, json } = await runContract(dir);
    assert.equal(code, 3, out);
    const check = json.checks.find((c) => c.kind === 'contract');
    assert.equal(check?.error?.code, 'CONTRACT_AUTH_FAILED');
    assert.match(check?.summary ?? '', /to run as "buyer".*answered 401/);
  });

  test('Schemathesis missing: could not run (exit 3) with how to install it', async () => {
    const dir = await shopWith(`${SECTION}  command: ./no-such-venv/bin/st\n`);
    const { code, out, json } = await runContract(dir);
    assert.equal(code, 3, out);
    const check = json.checks.find((c) => c.kind === 'contract');
    assert.equal(check?.status, 'error');
    assert.equal(check?.error?.code, 'CONTRACT_TOOL_MISSING');
    assert.match(out, /pip install 'schemathesis>=4\.32,<5'/);
  });

  test('a wrong contract section: exit 2 naming file:line:column', async () => {
    const dir = await shopWith(SECTION.replace('max_examples: 15', 'max_examples: 0'));
    const res = await runCli(['validate'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(res.stdout + res.stderr, /preflight\.yaml:\d+:\d+/);
    assert.match(res.stdout + res.stderr, /max_examples/);
  });
});
