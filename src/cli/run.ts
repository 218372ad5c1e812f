/**
 * `preflight run`: the whole checklist, a verdict, and the reports asked for.
 */
import path from 'node:path';
import { SelectionError } from '../checks/registry.js';
import type { LoadedPlan } from '../plan/load.js';
import { killAllGroupsSync } from '../process/process.js';
import type { Reporter } from '../report/reporter.js';
import type { Invocation, RunResult } from '../run/result.js';
import { runPlan } from '../run/run.js';
import { Redactor } from '../secrets/redactor.js';
import { EXIT } from './exit-codes.js';
import { runUsesProbe, useBaselineWasm } from './lean-wasm.js';
import { checkOutputPaths, type OutputTarget, type ProtectedFile } from './output-paths.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';
import {
  applyTagStep,
  applyVariableFlags,
  type CollectionFlags,
  checkTagFlags,
  type EcosystemFlags,
  ecosystemReporters,
  planFileFor,
} from './run-ecosystem.js';
import { type HistoryFlags, htmlReporters, storeReporters } from './run-history.js';
import { multiplexReporters, stdoutTerminal } from './stdout-reporters.js';

export interface RunFlags extends HistoryFlags, EcosystemFlags, CollectionFlags {
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
  /** The command line recorded for "How to repeat" (default: this `run` and its flags). */
  invocation?: Invocation;
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
  let planFile: string;
  try {
    planFile = await planFileFor(flags.plan, flags);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'POSTMAN_INVALID') throw error;
    process.stderr.write(`preflight run: ${flags.plan}: ${(error as Error).message}\n`);
    return EXIT.USAGE;
  }
  const loaded = await loadPlanOrReport(
    planFile,
    stderrColor(flags.color),
    flags.verbose
      ? { todos: 'list' }
      : { todos: 'summary', listWith: 'run with --verbose or `preflight validate` to list them' },
  );
  if (!loaded) return EXIT.USAGE;
  const adjusted = flags.adjustPlan?.(loaded) ?? applyVariableFlags(loaded, flags.var);
  if (adjusted) {
    process.stderr.write(`${adjusted}\n`);
    return EXIT.USAGE;
  }
  const tagUsage = await checkTagFlags(flags, loaded);
  if (tagUsage) {
    process.stderr.write(`preflight run: ${tagUsage}\n`);
    return EXIT.USAGE;
  }
  const outputs = checkRunOutputs(flags, loaded);
  if (outputs) {
    process.stderr.write(`preflight run: ${outputs}\n`);
    return EXIT.USAGE;
  }
  if (!runUsesProbe(loaded.plan.metrics !== undefined, flags.only)) useBaselineWasm();
  const redactor = new Redactor();
  const terminal = stdoutTerminal(flags, redactor, { live: true, verbose: flags.verbose === true }).reporter;
  // A collection run directly keeps its history and records beside the collection, where
  // `preflight history --plan COLLECTION` looks, not beside the plan converted into .preflight/.
  const home = planFile === flags.plan ? loaded.dir : path.dirname(path.resolve(flags.plan));
  const files = fileReporter(flags, resolveRecordDir(flags, loaded.plan.record?.dir, home), redactor);
  // The files first (the summary names the record), then the history, which hands the result to
  // its writer thread, then the verdict on the terminal, printed while the store writes (and
  // fsyncs) the run; the run ends when the store is written.
  const reporter = multiplexReporters(
    [
      files,
      ...storeReporters(flags, home, redactor),
      terminal,
      ...htmlReporters(flags, redactor),
      ...ecosystemReporters(redactor),
    ],
    redactor,
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
      invocation: flags.invocation ?? { command: 'run', args: runArgs(flags) },
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

/** --json, --junit, --html and the record directory: not a directory, not the plan, not each other. */
function checkRunOutputs(flags: RunFlags, loaded: LoadedPlan): string | null {
  const targets: OutputTarget[] = [];
  if (flags.json) targets.push({ flag: '--json', path: flags.json });
  if (flags.junit) targets.push({ flag: '--junit', path: flags.junit });
  if (flags.html) targets.push({ flag: '--html', path: flags.html });
  const recordDir = resolveRecordDir(flags, loaded.plan.record?.dir, loaded.dir);
  if (recordDir) targets.push({ flag: '--record', path: recordDir, kind: 'dir' });
  const inputs: ProtectedFile[] = [{ what: 'the plan', path: loaded.file }];
  if (loaded.plan.secrets?.file)
    inputs.push({
      what: "the plan's secrets file",
      path: path.resolve(loaded.dir, loaded.plan.secrets.file),
    });
  return checkOutputPaths(targets, inputs);
}

/** The flags of this `run` that shape what it runs (not where its reports go). */
function runArgs(flags: RunFlags): string[] {
  const args: string[] = [];
  if (flags.only) args.push('--only', flags.only);
  if (flags.shard) args.push('--shard', flags.shard);
  if (flags.baseUrl) args.push('--base-url', flags.baseUrl);
  for (const v of flags.var ?? []) args.push('--var', v);
  if (flags.environment) args.push('--environment', flags.environment);
  if (flags.globals) args.push('--globals', flags.globals);
  return args;
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
