/**
 * Sample run results for the reporter tests: a GO run and a NO-GO run. Each call returns a
 * fresh object, so a test may change it freely.
 */
import type { PathResult } from '../../src/checks/paths/result.js';
import type { CheckResult } from '../../src/checks/result.js';
import type { Reporter } from '../../src/report/reporter.js';
import type { RunResult } from '../../src/run/result.js';

/** A secret with characters that XML, JSON and Markdown all escape. */
export const SECRET = 'sk_live_9f8e|<&>"7d6c';

/** The commit both sample runs were made from. */
export const COMMIT = '3f2a9c1e5b7d4a6c8e0f1a2b3c4d5e6f7a8b9c0d';

const BASE = {
  schema_version: 1,
  tool: { name: 'preflight', version: '0.1.0' },
  run_id: '20250314-101500-3f2a9c',
  plan: { file: 'preflight.yaml', hash: 'sha256:5d41402abc4b2a76b9719d911017c592' },
  service: { name: 'shop', owner: 'team-shop', version: '1.4.0', url: 'http://127.0.0.1:8000' },
  git: {
    commit: COMMIT,
    branch: 'main',
    describe: 'v1.3.0-4-g3f2a9c1',
    last_tag: 'v1.3.0',
    dirty: false,
    plan_dir: '.',
    uncommitted: [],
    files_touched: ['shop/main.py', 'shop/orders.py', 'migrations/versions/0007_orders_note.py'],
  },
  started_at: '2025-03-14T09:30:00.000Z',
  finished_at: '2025-03-14T09:30:12.340Z',
  duration_ms: 12340,
  assumptions: [
    'staging runs the same PostgreSQL major version as production',
    'the CDN honours Cache-Control',
  ],
} as const satisfies Partial<RunResult>;

function browsePath(): PathResult {
  return {
    name: 'browse',
    owner: 'bob',
    expect: 'a visitor sees the product list',
    rollback: 'nothing to roll back: read only',
    status: 'pass',
    flaky: false,
    duration_ms: 85,
    steps: [{ name: 'list', status: 'pass', duration_ms: 85, ttfb_ms: 80, attempts: 1, flaky: false }],
  };
}

/** A GO run: every check and critical path passed. */
export function goRun(): RunResult {
  return {
    ...structuredClone(BASE),
    git: { ...structuredClone(BASE.git), files_touched: [...BASE.git.files_touched] },
    assumptions: [...BASE.assumptions],
    verdict: 'go',
    exit_code: 0,
    reason: 'all 3 blocking checks passed',
    checks: [
      lintCheck('pass', []),
      unitPassed(),
      {
        id: 'paths',
        kind: 'paths',
        status: 'pass',
        blocking: true,
        duration_ms: 85,
        summary: '1 critical path passed',
      },
    ],
    paths: [browsePath()],
  };
}

/** The passing unit check of both sample runs (the NO-GO run adds its command and counts). */
function unitPassed(): CheckResult {
  return {
    id: 'unit',
    kind: 'unit',
    status: 'pass',
    blocking: true,
    duration_ms: 2310,
    summary: '42 tests passed',
  };
}

function lintCheck(status: 'pass' | 'fail', findings: CheckResult['findings']): CheckResult {
  return {
    id: 'lint',
    kind: 'lint',
    status,
    blocking: true,
    duration_ms: 340,
    summary: findings?.length ? `${findings.length} findings` : 'no findings',
    command: {
      command: 'ruff check --output-format=json .',
      cwd: '/srv/shop',
      exit_code: findings?.length ? 1 : 0,
      signal: null,
      duration_ms: 338,
      timed_out: false,
      output_tail: '',
    },
    findings,
  };
}

/** The failed critical path of the NO-GO run: `pay` answered 500 instead of 201. */
function checkoutPath(): PathResult {
  return {
    name: 'checkout',
    owner: 'alice',
    expect: 'a signed-in customer pays for a cart and sees the order',
    rollback: 'make rollback | tee rollback.log; the orders schema change is additive',
    status: 'fail',
    flaky: true,
    duration_ms: 1420,
    source: { file: 'preflight.yaml', line: 12, column: 5 },
    steps: [
      { name: 'login', status: 'pass', duration_ms: 180, attempts: 3, flaky: true },
      { name: 'add-to-cart', status: 'pass', duration_ms: 60, attempts: 1, flaky: false },
      {
        name: 'pay',
        status: 'fail',
        duration_ms: 1240,
        ttfb_ms: 1230,
        attempts: 1,
        flaky: false,
        request: {
          method: 'POST',
          url: 'http://127.0.0.1:8000/orders',
          headers: { authorization: '[redacted]' },
        },
        response: {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: '{\n  "detail": "payment provider said <&\\"> no",\n  "trace": "Traceback (most recent call last)"\n}',
          size: 96,
          truncated: false,
        },
        failures: [
          { assertion: 'status', expected: 201, actual: 500, message: 'expected status 201, got 500 <&">' },
        ],
        source: { file: 'preflight.yaml', line: 20, column: 9 },
      },
      {
        name: 'confirm',
        status: 'skip',
        duration_ms: 0,
        attempts: 0,
        flaky: false,
        skip_reason: 'an earlier step failed',
      },
    ],
  };
}

/** A NO-GO run: a failed step, a lint check with 2 findings, a flaky step, a skipped step, an errored check. */
export function noGoRun(): RunResult {
  const lint = lintCheck('fail', [
    {
      rule: 'F401',
      message: '`os` imported but unused',
      severity: 'error',
      file: 'shop/main.py',
      line: 3,
      column: 8,
    },
    {
      rule: 'E711',
      message: 'comparison to None',
      severity: 'error',
      file: 'shop/orders.py',
      line: 41,
      column: 15,
    },
  ]);
  return {
    ...goRun(),
    verdict: 'no-go',
    exit_code: 1,
    reason: '2 blocking checks failed (lint, paths), 1 could not run (migrations)',
    record_file: 'launches/2025-03-14-shop-1.4.0-101500-3f2a9c.md',
    checks: [
      lint,
      {
        ...unitPassed(),
        command: {
          command: 'pytest -q --junitxml=/tmp/junit.xml',
          cwd: '/srv/shop',
          exit_code: 0,
          signal: null,
          duration_ms: 2300,
          timed_out: false,
          output_tail: '42 passed in 2.21s',
        },
        tests: { total: 42, passed: 42, failed: 0, errors: 0, skipped: 0 },
      },
      {
        id: 'paths',
        kind: 'paths',
        status: 'fail',
        blocking: true,
        duration_ms: 1505,
        summary: '1 of 2 critical paths failed',
      },
      {
        id: 'migrations',
        kind: 'migrations',
        status: 'error',
        blocking: true,
        duration_ms: 45,
        summary: 'could not run alembic',
        command: {
          command: '.venv/bin/alembic upgrade head --sql',
          cwd: '/srv/shop',
          exit_code: 127,
          signal: null,
          duration_ms: 40,
          timed_out: false,
          output_tail: 'sh: 1: .venv/bin/alembic: not found',
        },
        error: {
          code: 'COMMAND_NOT_FOUND',
          message: '.venv/bin/alembic was not found; install alembic in the venv',
        },
      },
      {
        id: 'cache',
        kind: 'cache',
        status: 'skip',
        blocking: false,
        duration_ms: 0,
        summary: 'skipped',
        skip_reason: 'the plan has no cache section',
      },
    ],
    paths: [checkoutPath(), browsePath()],
  };
}

/** Number of steps over all critical paths of a result. */
export function stepCount(result: RunResult): number {
  return result.paths.reduce((sum, path) => sum + path.steps.length, 0);
}

/** A stream that keeps what is written to it. */
export interface CapturedStream {
  write(text: string): boolean;
  isTTY?: boolean;
  columns?: number;
  /** Everything written so far. */
  text(): string;
}

/** A fake terminal stream; `isTTY` picks plain or live capability. */
export function captureStream(isTTY = false): CapturedStream {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 100,
    write(text: string): boolean {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(''),
  };
}

/** Drive a reporter through the hooks of `result` as a run would: start, checks, steps, end. */
export async function replayRun(reporter: Reporter, result: RunResult): Promise<void> {
  reporter.onRunStart?.({
    runId: result.run_id,
    planFile: result.plan.file,
    service: result.service.name,
    checks: result.checks.map(({ id, kind }) => ({ id, kind })),
  });
  for (const check of result.checks) {
    reporter.onCheckStart?.({ id: check.id, kind: check.kind });
    if (check.kind === 'paths') {
      for (const path of result.paths) for (const step of path.steps) reporter.onStepEnd?.(path.name, step);
    }
    reporter.onCheckEnd?.(check);
  }
  await reporter.onRunEnd(result);
}
