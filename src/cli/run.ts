/**
 * `preflight run`: the whole checklist, a verdict, and the reports asked for.
 */
import path from 'node:path';
import { SelectionError } from '../checks/registry.js';
import type { LoadedPlan } from '../plan/load.js';
import { Redactor } from '../report/redact.js';
import { createMultiplexer, type Reporter } from '../report/reporter.js';
import { createTerminalReporter, detectTerminalMode } from '../report/terminal.js';
import type { RunResult } from '../result.js';
import { killAllGroupsSync } from '../run/process.js';
import { runPlan } from '../run/run.js';
import { EXIT } from './exit-codes.js';
import { runUsesProbe, useBaselineWasm } from './lean-wasm.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';
import {
  applyTagStep,
  applyVariableFlags,
  type EcosystemFlags,
  ecosystemReporters,
  planFileFor,
} from './run-ecosystem.js';
import { type HistoryFlags, historyReporters } from './run-history.js';

export interface RunFlags extends HistoryFlags, EcosystemFlags {
  plan: string;
  only?: string;
  json?: string;
  junit?: string;
  record?: string | boolean;
  baseUrl?: string;
  shard?: string;
  concurrency: string;
  verbose?: boolean;
  color?: boolean;
  /** Adjusts the loaded plan before the run (`preflight rehearse`); a returned string is a usage error. */
  adjustPlan?: (loaded: LoadedPlan) => string | undefined;
}

/** Run the plan and return the exit code. */
export async function runCommand(flags: RunFlags): Promise<number> {
  const usage = checkFlags(flags);
  if (usage) {
    process.stderr.write(`preflight run: ${usage}\n`);
    return EXIT.USAGE;
  }
  const loaded = await loadPlanOrReport(await planFileFor(flags.plan), stderrColor(flags.color));
  if (!loaded) return EXIT.USAGE;
  const adjusted = flags.adjustPlan?.(loaded) ?? applyVariableFlags(loaded, flags.var);
  if (adjusted) {
    process.stderr.write(`${adjusted}\n`);
    return EXIT.USAGE;
  }
  if (!runUsesProbe(loaded.plan.metrics !== undefined, flags.only)) useBaselineWasm();
  const redactor = new Redactor();
  const mode = detectTerminalMode(process.stdout);
  const terminal = createTerminalReporter({
    stream: process.stdout,
    color: flags.color !== false && mode.color,
    live: flags.color !== false && mode.live,
    redactor,
    verbose: flags.verbose === true,
  });
  const files = fileReporter(flags, resolveRecordDir(flags, loaded.plan.record?.dir, loaded.dir), redactor);
  const reporter = createMultiplexer(
    [files, ...historyReporters(flags, loaded.dir, redactor), terminal, ...ecosystemReporters(redactor)],
    (error, name) => {
      process.stderr.write(
        `preflight: the ${name} reporter failed: ${redactor.redact((error as Error).message ?? String(error))}\n`,
      );
    },
  );
  const controller = new AbortController();
  const interrupted = handleSignals(controller);
  try {
    const result = await runPlan({
      loaded,
      redactor,
      reporter,
      signal: controller.signal,
      concurrency: Number(flags.concurrency),
      ...(flags.only
        ? {
            only: flags.only
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
      ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
      ...(flags.shard ? { shard: parseShard(flags.shard) as { index: number; total: number } } : {}),
    });
    await applyTagStep(result, flags, loaded, resolveRecordDir(flags, loaded.plan.record?.dir, loaded.dir));
    await reporter.onRunEnd(result);
    return interrupted.signal
      ? interrupted.signal === 'SIGINT'
        ? EXIT.SIGINT
        : EXIT.SIGTERM
      : result.exit_code;
  } catch (error) {
    if (error instanceof SelectionError) {
      process.stderr.write(`preflight run: ${error.message}\n`);
      return EXIT.USAGE;
    }
    throw error;
  } finally {
    interrupted.dispose();
  }
}

/**
 * Writes --json, --junit and the record; sets `record_file` on the result first. Each
 * writer's module is loaded only when its flag asks for it.
 */
function fileReporter(flags: RunFlags, recordDir: string | undefined, redactor: Redactor): Reporter {
  return {
    name: 'files',
    async onRunEnd(result: RunResult) {
      if (recordDir) {
        const { writeRecord } = await import('../report/record.js');
        const file = await writeRecord(recordDir, result, redactor);
        result.record_file = path.relative(process.cwd(), file) || file;
      }
      if (flags.json) await (await import('../report/json.js')).writeJsonResult(flags.json, result, redactor);
      if (flags.junit) await (await import('../report/junit.js')).writeJunit(flags.junit, result, redactor);
    },
  };
}

/** `--record DIR` is relative to the working directory; a bare `--record` uses the plan's `record.dir`. */
function resolveRecordDir(flags: RunFlags, planDir: string | undefined, base: string): string | undefined {
  if (typeof flags.record === 'string') return path.resolve(flags.record);
  if (flags.record === true) return path.resolve(base, planDir ?? 'launches/');
  return undefined;
}

function checkFlags(flags: RunFlags): string | null {
  if (flags.shard && !parseShard(flags.shard))
    return `--shard expects i/n with 1 <= i <= n (got "${flags.shard}")`;
  const n = Number(flags.concurrency);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    return `--concurrency expects a whole number from 1 to 64 (got "${flags.concurrency}")`;
  if (flags.baseUrl && !/^https?:\/\/[^/]+/.test(flags.baseUrl))
    return `--base-url expects an http(s) URL (got "${flags.baseUrl}")`;
  return null;
}

function parseShard(text: string): { index: number; total: number } | null {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return null;
  const index = Number(m[1]);
  const total = Number(m[2]);
  return index >= 1 && index <= total ? { index, total } : null;
}

/** First SIGINT/SIGTERM cancels the run gracefully; a second one stops everything at once. */
function handleSignals(controller: AbortController): { signal: NodeJS.Signals | null; dispose: () => void } {
  const state: { signal: NodeJS.Signals | null; dispose: () => void } = { signal: null, dispose: () => {} };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (state.signal) {
      killAllGroupsSync();
      process.exit(signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM);
    }
    state.signal = signal;
    process.stderr.write(`\npreflight: ${signal} received, stopping the run (again to force)\n`);
    controller.abort(new Error(`${signal} received`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  state.dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return state;
}
