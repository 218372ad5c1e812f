import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMultiplexer, type Reporter } from '../../src/report/reporter.js';
import { noGoRun, replayRun } from './report-fixtures.js';

/** A reporter that records the hooks it receives. */
function recording(name: string): Reporter & { calls: string[] } {
  const calls: string[] = [];
  return {
    name,
    calls,
    onRunStart: (info) => void calls.push(`runStart ${info.service}`),
    onCheckStart: (check) => void calls.push(`checkStart ${check.id}`),
    onStepEnd: (path, step) => void calls.push(`step ${path}/${step.name}`),
    onCheckEnd: (result) => void calls.push(`checkEnd ${result.id}`),
    onRunEnd: (result) => void calls.push(`runEnd ${result.verdict}`),
  };
}

/** A reporter that throws from every hook, and rejects from onRunEnd. */
function throwing(): Reporter {
  const fail = (): never => {
    throw new Error('reporter bug');
  };
  return {
    name: 'broken',
    onRunStart: fail,
    onCheckStart: fail,
    onStepEnd: fail,
    onCheckEnd: fail,
    onRunEnd: async () => {
      throw new Error('async reporter bug');
    },
  };
}

describe('createMultiplexer', () => {
  it('forwards every hook to every reporter, in order', async () => {
    const a = recording('a');
    const b = recording('b');
    await replayRun(
      createMultiplexer([a, b], () => assert.fail('no reporter threw')),
      noGoRun(),
    );
    assert.deepEqual(a.calls, b.calls);
    assert.equal(a.calls[0], 'runStart shop');
    assert.ok(a.calls.includes('step checkout/pay'));
    assert.equal(a.calls.filter((call) => call.startsWith('checkEnd')).length, 5);
    assert.equal(a.calls.at(-1), 'runEnd no-go');
  });

  it('survives a throwing reporter: the others get every hook and the run goes on', async () => {
    const before = recording('before');
    const after = recording('after');
    const errors: { message: string; name: string }[] = [];
    const multiplexer = createMultiplexer([before, throwing(), after], (error, name) => {
      errors.push({ message: error instanceof Error ? error.message : String(error), name });
    });
    await assert.doesNotReject(replayRun(multiplexer, noGoRun()));
    assert.deepEqual(after.calls, before.calls);
    assert.equal(after.calls.at(-1), 'runEnd no-go');
    // 1 run start + 5 check starts + 5 step ends + 5 check ends + 1 run end.
    assert.equal(errors.length, 17);
    assert.ok(errors.every((e) => e.name === 'broken'));
    assert.equal(errors.at(-1)?.message, 'async reporter bug');
  });

  it('names reporters without a name by position, and survives a throwing error handler', async () => {
    const names: string[] = [];
    const nameless: Reporter = {
      onRunEnd: () => {
        throw new Error('x');
      },
    };
    const last = recording('last');
    const multiplexer = createMultiplexer([nameless, last], (_error, name) => {
      names.push(name);
      throw new Error('the handler is broken too');
    });
    await assert.doesNotReject(async () => multiplexer.onRunEnd(noGoRun()));
    assert.deepEqual(names, ['reporter #1']);
    assert.deepEqual(last.calls, ['runEnd no-go']);
  });

  it('waits for asynchronous reporters before its onRunEnd settles', async () => {
    let written = false;
    const slow: Reporter = {
      onRunEnd: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        written = true;
      },
    };
    await createMultiplexer([slow], () => {}).onRunEnd(noGoRun());
    assert.equal(written, true);
  });
});
