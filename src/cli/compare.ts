/**
 * `preflight compare REF`: the `metrics` check with REF as the baseline and the work
 * tree as the candidate; prints the before/after table. Exit 0 when nothing regressed,
 * 1 on a blocking regression (or a broken SLO), 3 when it could not run.
 */
import path from 'node:path';
import type { MetricsOverrides } from '../checks/metrics/check.js';
import { MetricsSpec } from '../plan/schema-metrics.js';
import { writeJsonResult } from '../report/json.js';
import { runPlan } from '../run/run.js';
import { Redactor } from '../secrets/redactor.js';
import { EXIT } from './exit-codes.js';
import { checkOutputPaths } from './output-paths.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';
import { storeReporters } from './run-history.js';
import { multiplexReporters, stdoutTerminal } from './stdout-reporters.js';

/** Flags of `preflight compare`. */
export interface CompareFlags {
  plan: string;
  json?: string;
  html?: string;
  candidateEnv?: string[];
  /** The time budget; `--duration` is its old name. */
  maxDuration?: string;
  duration?: string;
  rate?: string;
  engine?: string;
  segments?: string;
  color?: boolean;
  /** `--store URL|FILE`, or false with `--no-store` (commander's default: true). */
  store?: string | boolean;
  /** `--record [DIR]`: the Markdown launch record (true: the plan's record.dir, else launches/). */
  record?: string | boolean;
}

/** Compare REF with the work tree and return the exit code. */
export async function compareCommand(ref: string, flags: CompareFlags): Promise<number> {
  const env = parseEnv(flags.candidateEnv ?? []);
  const usage = typeof env === 'string' ? env : checkFlags(flags);
  if (usage) {
    process.stderr.write(`preflight compare: ${usage}\n`);
    return EXIT.USAGE;
  }
  const loaded = await loadPlanOrReport(flags.plan, stderrColor(flags.color));
  if (!loaded) return EXIT.USAGE;
  const outputs = checkOutputPaths(
    [
      ...(flags.json ? [{ flag: '--json', path: flags.json }] : []),
      ...(flags.html ? [{ flag: '--html', path: flags.html }] : []),
    ],
    [{ what: 'the plan', path: loaded.file }],
  );
  if (outputs) {
    process.stderr.write(`preflight compare: ${outputs}\n`);
    return EXIT.USAGE;
  }
  if ((loaded.plan.critical_paths?.length ?? 0) === 0) {
    process.stderr.write(`preflight compare: ${flags.plan} has no critical_paths to measure\n`);
    return EXIT.USAGE;
  }
  loaded.plan.metrics ??= MetricsSpec.parse({});
  const redactor = new Redactor();
  const { reporter: terminal, live } = stdoutTerminal(flags, redactor);
  const store = storeReporters(
    { ...(flags.store !== undefined ? { store: flags.store } : {}) },
    loaded.dir,
    redactor,
  );
  const reporter = multiplexReporters([...store, terminal], redactor);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const overrides: MetricsOverrides = {
    baseline: ref,
    candidateEnv: env as Record<string, string>,
    ...(budget(flags) ? { maxDuration: budget(flags) as string } : {}),
    ...(flags.rate ? { rate: flags.rate } : {}),
    ...(flags.engine ? { engine: flags.engine as 'probe' | 'k6' } : {}),
    ...(flags.segments ? { segments: Number(flags.segments) } : {}),
    ...(live ? { onProgress: progressBar() } : {}),
  };
  try {
    const result = await runPlan({
      loaded,
      redactor,
      reporter,
      signal: controller.signal,
      only: ['metrics'],
      metrics: overrides,
      invocation: {
        command: 'compare',
        args: [
          ref,
          ...(flags.candidateEnv ?? []).flatMap((pair) => ['--candidate-env', pair]),
          ...(budget(flags) ? ['--max-duration', budget(flags) as string] : []),
          ...(flags.rate ? ['--rate', flags.rate] : []),
          ...(flags.engine ? ['--engine', flags.engine] : []),
          ...(flags.segments ? ['--segments', flags.segments] : []),
        ],
      },
    });
    if (live) process.stdout.write('\r\x1b[K');
    const recordDir = recordDirOf(flags.record, loaded.dir, loaded.plan.record?.dir);
    if (recordDir) {
      const { writeRecord } = await import('../report/record.js');
      const file = await writeRecord(recordDir, result, redactor);
      result.record_file = path.relative(process.cwd(), file) || file;
    }
    await reporter.onRunEnd(result);
    if (flags.json) await writeJsonResult(flags.json, result, redactor);
    if (flags.html) {
      // The run's own report page: one renderer for run --html, compare --html and the dashboard.
      const { writeHtmlReport } = await import('../web/report-file.js');
      await writeHtmlReport(path.resolve(flags.html), result, redactor);
    }
    if (controller.signal.aborted) return EXIT.SIGINT;
    return result.exit_code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `--record DIR` is relative to the working directory; a bare `--record` uses the plan's `record.dir`. */
function recordDirOf(
  record: string | boolean | undefined,
  planDir: string,
  dir: string | undefined,
): string | undefined {
  if (typeof record === 'string') return path.resolve(record);
  if (record === true) return path.resolve(planDir, dir ?? 'launches/');
  return undefined;
}

function parseEnv(pairs: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) return `--candidate-env expects KEY=VALUE (got "${pair}")`;
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function budget(flags: CompareFlags): string | undefined {
  return flags.maxDuration ?? flags.duration;
}

function checkFlags(flags: CompareFlags): string | null {
  for (const [name, value] of [
    ['--max-duration', flags.maxDuration],
    ['--duration', flags.duration],
  ] as const)
    if (value && !/^\d+(\.\d+)?\s*(ms|s|m)$/.test(value))
      return `${name} expects a duration such as 30s or 2m (got "${value}")`;
  if (flags.engine && flags.engine !== 'probe' && flags.engine !== 'k6')
    return `--engine expects probe or k6 (got "${flags.engine}")`;
  if (
    flags.segments &&
    !(/^\d+$/.test(flags.segments) && Number(flags.segments) >= 1 && Number(flags.segments) <= 64)
  )
    return `--segments expects a number of k6 processes from 1 to 64 (got "${flags.segments}")`;
  if (flags.segments && (flags.engine ?? 'k6') !== 'k6') return '--segments applies to --engine k6 only';
  if (flags.rate && !/^\d+(\.\d+)?\s*(\/\s*(s|m))?$/.test(flags.rate))
    return `--rate expects iterations per second such as 50/s (got "${flags.rate}")`;
  return null;
}

/** A one-line progress bar on a TTY: share of the budget, block, side, iterations, errors. */
function progressBar(): NonNullable<MetricsOverrides['onProgress']> {
  return (p) => {
    const done = Math.min(1, p.totalMs / p.budgetMs);
    const width = 24;
    const bar = '#'.repeat(Math.round(done * width)).padEnd(width, '.');
    const phase = p.phase === 'alone' ? ' (contention: paths alone)' : '';
    process.stdout.write(
      `\r\x1b[K[${bar}] ${Math.round(p.totalMs / 1000)} s of at most ${Math.round(p.budgetMs / 1000)} s, block ${p.block + 1} ${p.side}${phase}: ${p.iterations} iterations, ${p.errors} errors, ${p.inFlight} in flight`,
    );
  };
}
