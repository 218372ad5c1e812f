/**
 * The verdict rules (src/run/verdict.ts): GO only when every blocking check passed on the
 * coverage asked and every skip is allowed; NO-GO for a failure, incomplete coverage or an
 * unpermitted skip; COULD NOT RUN only when nothing failed. And the gate that allows skips.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INCOMPLETE_COVERAGE } from '../../src/checks/coverage.js';
import { applyGate } from '../../src/checks/gate.js';
import type { CheckResult } from '../../src/checks/result.js';
import type { CheckDefinition } from '../../src/checks/types.js';
import { tagName, whyNotComplete } from '../../src/ecosystem/release/tag.js';
import { listPathNames } from '../../src/plan/path-names.js';
import type { RunResult } from '../../src/run/result.js';
import { decideVerdict, listSkips, verdictLabel } from '../../src/run/verdict.js';

function check(id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { id, kind: id, status, blocking: true, duration_ms: 1, summary: `${id} ${status}`, ...extra };
}

describe('decideVerdict', () => {
  it('GO names the passed checks and every skip the plan allows', () => {
    const v = decideVerdict([
      check('lint', 'pass'),
      check('cache', 'skip', { skip_reason: 'SHOP_CDN_URL is not set', skip_allowed: true }),
      check('smoke', 'warn', { blocking: false }),
    ]);
    assert.deepEqual(v, {
      verdict: 'go',
      exit_code: 0,
      reason:
        '1 blocking check passed; 1 skipped as the plan allows: cache (SHOP_CDN_URL is not set); 1 advisory warning: smoke',
    });
  });

  it('a blocking skip without permission is NO-GO (exit 1), never counted as passed', () => {
    const v = decideVerdict([check('lint', 'pass'), check('metrics', 'skip', { skip_reason: 'no tag yet' })]);
    assert.equal(v.exit_code, 1);
    assert.equal(v.reason, "1 blocking check skipped without the plan's permission: metrics (no tag yet)");
  });

  it('incomplete coverage is NO-GO (exit 1), not "could not run"', () => {
    const message = '1 of 3 critical paths failed while captured: checkout';
    const v = decideVerdict([
      check('paths', 'pass'),
      check('database', 'error', { error: { code: INCOMPLETE_COVERAGE, message } }),
    ]);
    assert.equal(v.exit_code, 1);
    assert.equal(v.reason, `1 blocking check covered less than the plan asks: database (${message})`);
  });

  it('could not run is exit 3 only when nothing failed; with a failure it is NO-GO and says both', () => {
    const broken = check('unit', 'error', {
      error: { code: 'COMMAND_NOT_FOUND', message: 'pytest not found' },
    });
    assert.equal(decideVerdict([check('lint', 'pass'), broken]).exit_code, 3);
    const both = decideVerdict([check('lint', 'fail'), broken]);
    assert.equal(both.exit_code, 1);
    assert.equal(both.reason, '1 blocking check failed: lint; could not run unit (pytest not found)');
  });

  it('a reason that introduces output ("its output ends with:") shows the output\'s last line, not a bare colon', () => {
    const message =
      '`alembic upgrade heads --sql` (offline SQL, postgresql) exited 1; its output ends with:\n' +
      'Traceback (most recent call last):\n  File "env.py", line 9\n' +
      'socket.gaierror: [Errno -2] Name or service not known\n\n';
    const v = decideVerdict([
      check('migrations', 'error', { error: { code: 'MIGRATIONS_OFFLINE_FAILED', message } }),
    ]);
    assert.equal(
      v.reason,
      'could not run migrations (`alembic upgrade heads --sql` (offline SQL, postgresql) exited 1; its output ends with: socket.gaierror: [Errno -2] Name or service not known)',
    );
    const bare = decideVerdict([
      check('unit', 'error', { error: { code: 'X', message: 'pytest exited 4:' } }),
    ]);
    assert.equal(bare.reason, 'could not run unit (pytest exited 4)');
  });

  it('nothing blocking that passed is not a GO', () => {
    assert.equal(decideVerdict([check('smoke', 'pass', { blocking: false })]).verdict, 'no-go');
    assert.equal(decideVerdict([]).verdict, 'no-go');
  });

  it('labels the three outcomes and lists skips with their permission', () => {
    assert.equal(verdictLabel({ verdict: 'go', exit_code: 0 }), 'GO');
    assert.equal(verdictLabel({ verdict: 'no-go', exit_code: 1 }), 'NO-GO');
    assert.equal(verdictLabel({ verdict: 'no-go', exit_code: 3 }), 'COULD NOT RUN');
    assert.deepEqual(
      listSkips([
        check('a', 'skip', { skip_reason: 'x' }),
        check('b', 'skip', { skip_reason: 'y', skip_allowed: true }),
      ]),
      [
        { id: 'a', reason: 'x', allowed: false },
        { id: 'b', reason: 'y', allowed: true },
      ],
    );
  });
});

describe('applyGate', () => {
  const definition = (outcome: Awaited<ReturnType<CheckDefinition['run']>>): CheckDefinition => ({
    id: 'cache',
    kind: 'cache',
    blocking: true,
    needs: [],
    timeoutMs: 1000,
    run: async () => outcome,
  });
  const ctx = {} as Parameters<CheckDefinition['run']>[0];

  it('when: an unset variable skips the check as allowed, without running it', async () => {
    let ran = false;
    const gated = applyGate(
      {
        ...definition({ status: 'pass', summary: 'ok' }),
        run: async () => {
          ran = true;
          return { status: 'pass', summary: 'ok' };
        },
      },
      { when: { env: ['CDN', 'OTHER'] } },
      { env: { OTHER: 'set' }, explicit: false },
    );
    assert.deepEqual(await gated.run(ctx), {
      status: 'skip',
      summary: 'CDN is not set',
      skip_reason: 'CDN is not set',
      skip_allowed: true,
    });
    assert.equal(ran, false);
  });

  it('when: asked for by name, an unset variable is "could not run", saying what to set', async () => {
    const gated = applyGate(
      definition({ status: 'pass', summary: 'ok' }),
      { when: { env: 'CDN' } },
      {
        env: {},
        explicit: true,
      },
    );
    const outcome = await gated.run(ctx);
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'CHECK_CONDITION_UNMET');
    assert.match(outcome.summary, /CDN is not set .*set it to run it/);
  });

  it('optional: a skip the check decides is allowed; a pass stays a pass; no gate changes nothing', async () => {
    const skip = definition({ status: 'skip', summary: 'no tag', skip_reason: 'no tag' });
    assert.equal(
      (await applyGate(skip, { optional: true }, { env: {}, explicit: false }).run(ctx)).skip_allowed,
      true,
    );
    assert.equal(
      (await applyGate(skip, undefined, { env: {}, explicit: false }).run(ctx)).skip_allowed,
      undefined,
    );
    const pass = definition({ status: 'pass', summary: 'ok' });
    assert.equal(
      (await applyGate(pass, { optional: true }, { env: {}, explicit: false }).run(ctx)).status,
      'pass',
    );
  });
});

describe('tag names and complete runs', () => {
  it('fills {version}, and takes a version that already is a whole tag name as it is', () => {
    assert.equal(tagName('v{version}', '9.9.9'), 'v9.9.9');
    assert.equal(tagName('v{version}', 'v9.9.9'), 'v9.9.9');
    assert.equal(tagName('release-{version}', 'release-2.0'), 'release-2.0');
    assert.equal(tagName('release-{version}', '2.0'), 'release-2.0');
    assert.equal(tagName('{version}', '1.0'), '1.0');
    assert.equal(tagName('shop/v{version}-rc', 'shop/v1.2-rc'), 'shop/v1.2-rc');
  });

  it('a shard or an unpermitted skip is not a complete run', () => {
    const base = { checks: [check('paths', 'pass')] } as unknown as RunResult;
    assert.equal(whyNotComplete(base), null);
    assert.match(whyNotComplete({ ...base, shard: { index: 1, total: 2 } }) ?? '', /preflight merge/);
    const skipped = { ...base, checks: [...base.checks, check('metrics', 'skip', { skip_reason: 'x' })] };
    assert.match(whyNotComplete(skipped) ?? '', /metrics skipped without the plan's permission/);
  });
});

describe('listPathNames', () => {
  it('quotes a path name that holds a separator, so a list of names reads one way', () => {
    assert.equal(
      listPathNames(['sign up, log in, read me', 'article: create, read', 'checkout']),
      '"sign up, log in, read me", "article: create, read", checkout',
    );
  });
});
