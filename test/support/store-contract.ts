/**
 * The tests every store must pass, run on SQLite and on PostgreSQL: reading back what was
 * recorded, trends, migrations, concurrent writers in separate processes, and a writer
 * killed with SIGKILL in the middle of a run.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { test } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import type { RunStore } from '../../src/store/types.js';
import { StoreError } from '../../src/store/types.js';
import { goRun } from '../unit/report-fixtures.js';
import { ROOT, waitFor } from './cli.js';
import { bigRun, stepsOf } from './store-runs.js';

/** How a store under test is made: each call gives a fresh, empty one. */
export interface StoreFixture {
  /** Where it is, as `--store` takes it (a file or a postgres:// URL). */
  location: string;
  open(): Promise<RunStore>;
  /** The raw connection, not migrated. */
  openDb(): Promise<Db>;
  cleanup(): Promise<void>;
}

/** Register the store contract tests for one kind of store. */
export function storeContract(kind: string, fresh: () => Promise<StoreFixture>): void {
  const withStore = async (fn: (fx: StoreFixture) => Promise<void>): Promise<void> => {
    const fx = await fresh();
    try {
      await fn(fx);
    } finally {
      await fx.cleanup();
    }
  };

  test(`${kind}: records runs and reads them back, newest first`, { timeout: 30_000 }, () =>
    withStore(async (fx) => {
      const store = await fx.open();
      try {
        assert.equal(await store.schemaVersion(), MIGRATIONS.at(-1)?.version);
        for (let i = 0; i < 4; i++) await store.recordRun({ result: bigRun(`run-${i}`, i, 3), who: 'alice' });
        const other = goRun();
        other.run_id = 'other-1';
        other.service.name = 'billing';
        await store.recordRun({ result: other, record_md: '# other', logs_excerpt: 'a log line' });
        const runs = await store.listRuns({ service: 'shop' });
        assert.deepEqual(
          runs.map((r) => r.run_id),
          ['run-3', 'run-2', 'run-1', 'run-0'],
        );
        assert.equal(runs[1]?.verdict, 'no-go');
        assert.equal(runs[0]?.who, 'alice');
        assert.equal(runs[0]?.version, '1.3.0');
        assert.equal((await store.listRuns({ limit: 2 })).length, 2);
        assert.deepEqual(await store.services(), ['billing', 'shop']);
        const got = await store.getRun('other-1');
        assert.equal(got?.result.service.name, 'billing');
        assert.equal(got?.record_md, '# other');
        assert.equal(got?.logs_excerpt, 'a log line');
        assert.equal(await store.getRun('no-such-run'), null);
        // Recording the same run again replaces it.
        await store.recordRun({ result: bigRun('run-0', 0, 7) });
        assert.equal(stepsOf((await store.getRun('run-0'))?.result ?? goRun()), 7);
        assert.equal((await store.listRuns({ service: 'shop' })).length, 4);
      } finally {
        await store.close();
      }
    }),
  );

  test(
    `${kind}: trends per critical path: p50/p95 and error rate per run, oldest first`,
    { timeout: 30_000 },
    () =>
      withStore(async (fx) => {
        const store = await fx.open();
        try {
          const a = bigRun('t-0', 0, 0);
          a.paths = [pathWith('browse', [10, 20, 30, 40], [])];
          const b = bigRun('t-1', 1, 0);
          b.paths = [pathWith('browse', [100, 200], ['fail'])];
          await store.recordRun({ result: b });
          await store.recordRun({ result: a });
          const points = await store.trends({ service: 'shop' });
          assert.deepEqual(
            points.map((p) => [p.run_id, p.path, p.p50_ms, p.p95_ms, p.error_pct, p.samples, p.source]),
            [
              ['t-0', 'browse', 20, 40, 0, 4, 'steps'],
              ['t-1', 'browse', 100, 200, 50, 2, 'steps'],
            ],
          );
        } finally {
          await store.close();
        }
      }),
  );

  test(`${kind}: migrations run in order, backfill, and refuse a newer schema`, { timeout: 30_000 }, () =>
    withStore(async (fx) => {
      const db = await fx.openDb();
      assert.equal(await migrate(db, MIGRATIONS.slice(0, 1)), 1);
      const old = bigRun('before-v2', 0, 3);
      await db.run(
        `INSERT INTO preflight_runs (run_id, service, plan_file, plan_hash, verdict, exit_code, reason, started_at,
          finished_at, duration_ms, recorded_at, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          old.run_id,
          'shop',
          'preflight.yaml',
          'h',
          'go',
          0,
          'ok',
          old.started_at,
          old.finished_at,
          1,
          'now',
          JSON.stringify(old),
        ],
      );
      await db.close();
      const store = await fx.open();
      try {
        assert.equal(await store.schemaVersion(), MIGRATIONS.at(-1)?.version);
        const kept = await store.getRun('before-v2');
        assert.equal(kept?.summary.reason, 'ok');
        // Kept before results were compressed (version 3): read from its plain JSON.
        assert.equal(kept?.result.paths.length, old.paths.length);
        const points = await store.trends();
        assert.deepEqual(
          points.map((p) => [p.run_id, p.path, p.samples]),
          [['before-v2', 'browse', 3]],
          'the new table was filled from the runs kept before',
        );
      } finally {
        await store.close();
      }
      const raw = await fx.openDb();
      await raw.run("INSERT INTO preflight_schema (version, name, applied_at) VALUES (99, 'future', 'now')");
      await raw.close();
      await assert.rejects(
        fx.open(),
        (error: unknown) => error instanceof StoreError && error.code === 'STORE_TOO_NEW',
      );
    }),
  );

  test(`${kind}: two processes recording at once lose nothing`, { timeout: 90_000 }, () =>
    withStore(async (fx) => {
      const writers = [startWriter([fx.location, 'left', '12']), startWriter([fx.location, 'right', '12'])];
      try {
        const codes = await Promise.all(writers.map((w) => w.exited));
        assert.deepEqual(codes, [0, 0], writers.map((w) => w.stderr()).join('\n'));
      } finally {
        for (const w of writers) w.kill();
      }
      const store = await fx.open();
      try {
        const runs = await store.listRuns({ limit: 1000 });
        assert.equal(runs.length, 24);
        for (const side of ['left', 'right'])
          assert.equal(runs.filter((r) => r.run_id.startsWith(side)).length, 12);
        for (const r of runs) assert.equal(stepsOf((await store.getRun(r.run_id))?.result ?? goRun()), 5);
      } finally {
        await store.close();
      }
    }),
  );

  test(
    `${kind}: a writer killed with SIGKILL mid-run loses nothing that was committed`,
    { timeout: 90_000 },
    () =>
      withStore(async (fx) => {
        // Big runs (300 steps, 600 KiB of bodies), so the kill lands inside a transaction.
        const writer = startWriter([fx.location, 'crash', '0', '300']);
        let recorded: string[];
        let begun: string[];
        try {
          await waitFor(() => writer.lines('recorded').length >= 3, 60_000, '3 runs recorded');
          await waitFor(
            () => writer.lines('begin').length > writer.lines('recorded').length,
            10_000,
            'a run begun',
          );
          writer.kill('SIGKILL');
          await writer.exited;
          recorded = writer.lines('recorded');
          begun = writer.lines('begin');
        } finally {
          writer.kill();
        }
        const store = await fx.open();
        try {
          const ids = (await store.listRuns({ limit: 1000 })).map((r) => r.run_id);
          for (const id of recorded) {
            assert.ok(ids.includes(id), `committed run ${id} survived`);
            assert.equal(stepsOf((await store.getRun(id))?.result ?? goRun()), 300);
          }
          const extra = ids.filter((id) => !recorded.includes(id));
          assert.ok(
            extra.every((id) => begun.includes(id)),
            'no run appeared from nowhere',
          );
          for (const id of extra)
            assert.equal(stepsOf((await store.getRun(id))?.result ?? goRun()), 300, 'all or nothing');
          await store.recordRun({ result: bigRun('after-crash', 99, 2) });
          assert.ok((await store.listRuns({ limit: 1000 })).some((r) => r.run_id === 'after-crash'));
        } finally {
          await store.close();
        }
      }),
  );
}

function pathWith(name: string, durations: number[], statuses: ('fail' | 'error')[]): RunResultPath {
  return {
    name,
    owner: 'bob',
    expect: 'e',
    rollback: 'r',
    status: statuses.length > 0 ? 'fail' : 'pass',
    flaky: false,
    duration_ms: durations.reduce((a, b) => a + b, 0),
    steps: durations.map((ms, i) => ({
      name: `s${i}`,
      status: statuses[i] ?? 'pass',
      duration_ms: ms,
      attempts: 1,
      flaky: false,
    })),
  };
}

type RunResultPath = ReturnType<typeof goRun>['paths'][number];

interface Writer {
  child: ChildProcess;
  exited: Promise<number | null>;
  lines(kind: 'begin' | 'recorded'): string[];
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
}

function startWriter(args: string[]): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/store-writer.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    lines: (kind) =>
      out
        .split('\n')
        .filter((l) => l.startsWith(`${kind} `))
        .map((l) => l.slice(kind.length + 1)),
    stderr: () => err,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
