/**
 * The run graph hands each check's own result to `checks` and what its outcome gives the run's
 * top level (`runLevel`: the paths check's path results, the metrics check's comparison)
 * separately: the check's entry never carries it, also after a timeout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathResult } from '../../src/checks/paths/result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../../src/checks/types.js';
import { runGraph } from '../../src/run/scheduler.js';

const path: PathResult = {
  name: 'checkout',
  owner: 'alice',
  expect: 'a customer pays',
  rollback: 'none needed',
  status: 'pass',
  flaky: false,
  duration_ms: 1,
  steps: [],
};

function check(id: string, run: CheckDefinition['run'], timeoutMs = 5_000): CheckDefinition {
  return { id, kind: id, blocking: true, needs: [], timeoutMs, run };
}

const graph = (checks: CheckDefinition[], onCheckEnd?: (r: unknown) => void) =>
  runGraph(checks, {
    concurrency: 2,
    signal: new AbortController().signal,
    context: (signal) => ({ signal }) as CheckContext,
    ...(onCheckEnd ? { onCheckEnd } : {}),
  });

describe('runGraph', () => {
  it("keeps an outcome's run-level results out of the check's entry", async () => {
    const seen: unknown[] = [];
    const checks = [
      check('paths', async () => ({ status: 'pass', summary: '1 passed', runLevel: { paths: [path] } })),
      check('lint', async () => ({ status: 'pass', summary: 'clean' })),
    ];
    const result = await graph(checks, (r) => seen.push(r));
    assert.deepEqual(
      result.checks.map((c) => Object.keys(c).sort()),
      [
        ['blocking', 'duration_ms', 'id', 'kind', 'status', 'summary'],
        ['blocking', 'duration_ms', 'id', 'kind', 'status', 'summary'],
      ],
    );
    assert.ok(seen.every((r) => !Object.hasOwn(r as object, 'runLevel')));
    assert.deepEqual(result.runLevel, [{ paths: [path] }]);
  });

  it('keeps what a check that timed out returned while it was aborted', async () => {
    const slow = check(
      'paths',
      (ctx) =>
        new Promise<CheckOutcome>((resolve) =>
          // Like a real check, it settles a moment after the abort (its clean-up).
          ctx.signal.addEventListener('abort', () =>
            setImmediate(() =>
              resolve({ status: 'skip', summary: 'run cancelled', runLevel: { paths: [path] } }),
            ),
          ),
        ),
      50,
    );
    const result = await graph([slow]);
    assert.equal(result.checks[0]?.status, 'error');
    assert.equal(result.checks[0]?.error?.code, 'CHECK_TIMEOUT');
    assert.ok(!Object.hasOwn(result.checks[0] as object, 'runLevel'));
    assert.deepEqual(result.runLevel, [{ paths: [path] }]);
  });

  it('hands nothing up for a check that threw', async () => {
    const result = await graph([
      check('metrics', async () => {
        throw new Error('boom');
      }),
    ]);
    assert.equal(result.checks[0]?.error?.code, 'CHECK_CRASHED');
    assert.deepEqual(result.runLevel, []);
  });
});

describe('a service that ends during a check', () => {
  const handle = { url: 'http://127.0.0.1:9' } as Awaited<ReturnType<CheckContext['service']>>;
  it('fails the checks that used it while it ended, and only those', async () => {
    let exit: { how: string; tail: string } | null = null;
    const uses = check('uses', async (ctx) => {
      await ctx.service();
      exit = { how: 'exited with code 3', tail: 'INFO: POST /jobs 202\n' };
      return { status: 'pass', summary: 'exit 0' };
    });
    const ignores = check('lint', async () => ({ status: 'pass', summary: 'clean' }));
    const errs = check('errs', async (ctx) => {
      await ctx.service();
      return { status: 'error', summary: 'boom', error: { code: 'X', message: 'boom' } };
    });
    const result = await runGraph([uses, ignores, errs], {
      concurrency: 1,
      signal: new AbortController().signal,
      context: (signal) => ({ signal, service: async () => handle }) as unknown as CheckContext,
      serviceExit: () => exit,
    });
    const [used, lint, errored] = result.checks;
    assert.equal(used?.status, 'fail');
    assert.equal(
      used?.summary,
      'the service exited with code 3 while this check ran (it is not restarted); exit 0',
    );
    assert.deepEqual(
      used?.findings?.map((f) => [f.rule, f.excerpt]),
      [['SERVICE_EXITED', 'INFO: POST /jobs 202']],
    );
    assert.deepEqual(
      [lint?.status, lint?.summary],
      ['pass', 'clean'],
      'a check that did not use it is untouched',
    );
    // It started after the exit: its own outcome stands (run.ts makes ctx.service() throw then).
    assert.deepEqual([errored?.status, errored?.error?.code], ['error', 'X']);
  });
});
