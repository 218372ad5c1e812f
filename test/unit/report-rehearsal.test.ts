import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import { loadKindReports } from '../../src/checks/registry.js';
import type { PhaseResult } from '../../src/checks/rehearsal/result.js';
import type { CheckResult } from '../../src/checks/result.js';
import { renderRecord } from '../../src/report/record.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult } from '../../src/run/result.js';
import { resultValidator } from '../support/result-schema.js';
import { goRun } from './report-fixtures.js';

function command(cmd: string, exit: number, ms: number) {
  return {
    command: cmd,
    cwd: '.',
    exit_code: exit,
    signal: null,
    duration_ms: ms,
    timed_out: false,
    output_tail: 'ok\n',
  };
}

function rehearsalCheck(): CheckResult {
  const phase = (name: string, extra: Partial<PhaseResult> = {}): PhaseResult => ({
    name,
    status: 'pass',
    duration_ms: 300,
    summary: `${name} passed`,
    ...extra,
  });
  return {
    id: 'rehearsal',
    kind: 'rehearsal',
    status: 'fail',
    blocking: true,
    duration_ms: 12_000,
    summary: 'phase 3 (rollback) failed: checkout › pay',
    phases: [
      phase('deploy', {
        duration_ms: 4100,
        command: command('./deploy/deploy.sh WORKTREE', 0, 4100),
        time_to_healthy_ms: 4050,
        release: 'wt-b',
      }),
      phase('paths', {
        paths: [{ name: 'checkout', owner: 'carol', status: 'pass', duration_ms: 120 }],
      }),
      phase('rollback', {
        duration_ms: 2500,
        status: 'fail',
        command: command('./deploy/rollback.sh', 0, 2500),
        time_to_healthy_ms: 2450,
        release: 'a1',
        summary: 'release a1 healthy, but its critical paths fail: checkout › pay',
      }),
      phase('paths', {
        status: 'fail',
        paths: [
          {
            name: 'checkout',
            owner: 'carol',
            status: 'fail',
            duration_ms: 90,
            failed_step: 'pay',
            message: 'status expected 201, got 500',
          },
        ],
      }),
      phase('redeploy', { status: 'skip', duration_ms: 0 }),
      phase('paths', { status: 'skip', duration_ms: 0 }),
    ],
    staging: {
      url: 'http://127.0.0.1:8081',
      candidate: 'WORKTREE',
      release_before: 'a1',
      release_after: 'a1',
      restored: true,
      restore: command('./deploy/rollback.sh --to a1', 0, 300),
      stop: command('./deploy/supervise.sh stop', 0, 1500),
    },
  };
}

function run(): RunResult {
  const result = goRun();
  result.checks.push(rehearsalCheck());
  result.checks.push({
    id: 'logs',
    kind: 'logs',
    status: 'fail',
    blocking: true,
    duration_ms: 300,
    summary: '1 Traceback',
    findings: [
      {
        rule: 'log-traceback',
        message: 'RuntimeError: boom',
        severity: 'error',
        file: 'service',
        line: 12,
        excerpt: 'Traceback (most recent call last):\n  File "x.py", line 1, in f\nRuntimeError: boom',
      },
    ],
  });
  return result;
}

describe('rehearsal phases and log excerpts in the reports', () => {
  it('are accepted by schema/result.schema.json', async () => {
    const validate = await resultValidator();
    assert.equal(validate(JSON.parse(JSON.stringify(run()))), true, JSON.stringify(validate.errors));
  });

  it('show in the terminal summary: each phase with its timing, command and exit code', async () => {
    const result = run();
    const kinds = await loadKindReports(result);
    const text = renderSummary(result, { colors: pc.createColors(false), verbose: false, kinds }).join('\n');
    assert.match(text, /staging rehearsal \(rehearsal\)/);
    assert.match(
      text,
      /1\. deploy\s+pass\s+4\.10 s, healthy after 4\.05 s, release wt-b\s+\$ \.\/deploy\/deploy\.sh WORKTREE \(exit 0\)/,
    );
    assert.match(text, /3\. rollback\s+fail/);
    assert.match(text, /release a1 healthy, but its critical paths fail: checkout › pay/);
    assert.match(text, /release before a1, now a1 \(restored after a failed phase\)/);
    assert.match(text, /service:12 log-traceback RuntimeError: boom/);
    assert.match(text, /│ Traceback \(most recent call last\):/);
  });

  it('show in the launch record: the phase table and the excerpts', async () => {
    const result = run();
    const md = renderRecord(result, await loadKindReports(result));
    assert.match(md, /## Staging rehearsal/);
    assert.match(
      md,
      /\| deploy \| pass \| `\.\/deploy\/deploy\.sh WORKTREE` \| 0 \| 4\.10 s \| 4\.05 s \| `wt-b` \|/,
    );
    assert.match(
      md,
      /\| rollback \| \*\*fail\*\* \| `\.\/deploy\/rollback\.sh` \| 0 \| 2\.50 s \| 2\.45 s \| `a1` \|/,
    );
    assert.match(md, /\*\*Restore:\*\* `\.\/deploy\/rollback\.sh --to a1` \(exit 0\)/);
    assert.match(md, /Excerpt of `service:12` \(log-traceback\):\n\n```\nTraceback/);
  });
});
