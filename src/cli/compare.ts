/**
 * `preflight compare REF`: the `metrics` check with REF as the baseline and the work
 * tree as the candidate; prints the before/after table. Exit 0 when nothing regressed,
 * 1 on a blocking regression (or a broken SLO), 3 when it could not run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MetricsOverrides } from '../checks/metrics.js';
import { MetricsSpec } from '../plan/schema-metrics.js';
import { writeJsonResult } from '../report/json.js';
import { renderMetricsHtml } from '../report/metrics-html.js';
import { Redactor } from '../report/redact.js';
import { createMultiplexer } from '../report/reporter.js';
import { createTerminalReporter, detectTerminalMode } from '../report/terminal.js';
import { runPlan } from '../run/run.js';
import { EXIT } from './exit-codes.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';

/** Flags of `preflight compare`. */
export interface CompareFlags {
  plan: string;
  json?: string;
  html?: string;
  candidateEnv?: string[];
  duration?: string;
  rate?: string;
  color?: boolean;
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
  if ((loaded.plan.critical_paths?.length ?? 0) === 0) {
    process.stderr.write(`preflight compare: ${flags.plan} has no critical_paths to measure\n`);
    return EXIT.USAGE;
  }
  loaded.plan.metrics ??= MetricsSpec.parse({});
  const redactor = new Redactor();
  const mode = detectTerminalMode(process.stdout);
  const live = flags.color !== false && mode.live;
  const terminal = createTerminalReporter({
    stream: process.stdout,
    color: flags.color !== false && mode.color,
    live: false,
    redactor,
    verbose: false,
  });
  const reporter = createMultiplexer([terminal], (error) => {
    process.stderr.write(`preflight: the terminal reporter failed: ${(error as Error).message}\n`);
  });
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const overrides: MetricsOverrides = {
    baseline: ref,
    candidateEnv: env as Record<string, string>,
    ...(flags.duration ? { duration: flags.duration } : {}),
    ...(flags.rate ? { rate: flags.rate } : {}),
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
    });
    if (live) process.stdout.write('\r\x1b[K');
    await reporter.onRunEnd(result);
    if (flags.json) await writeJsonResult(flags.json, result, redactor);
    if (flags.html) await writeFile(path.resolve(flags.html), redactor.redact(renderMetricsHtml(result)));
    if (controller.signal.aborted) return EXIT.SIGINT;
    return result.exit_code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
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

function checkFlags(flags: CompareFlags): string | null {
  if (flags.duration && !/^\d+(\.\d+)?\s*(ms|s|m)$/.test(flags.duration))
    return `--duration expects a duration such as 30s or 2m (got "${flags.duration}")`;
  if (flags.rate && !/^\d+(\.\d+)?\s*(\/\s*(s|m))?$/.test(flags.rate))
    return `--rate expects iterations per second such as 50/s (got "${flags.rate}")`;
  return null;
}

/** A one-line progress bar on a TTY: block, side, iterations, errors. */
function progressBar(): NonNullable<MetricsOverrides['onProgress']> {
  return (p) => {
    const done = (p.block + Math.min(1, p.elapsedMs / p.durationMs)) / p.blocks;
    const width = 24;
    const bar = '#'.repeat(Math.round(done * width)).padEnd(width, '.');
    process.stdout.write(
      `\r\x1b[K[${bar}] block ${p.block + 1}/${p.blocks} ${p.side}: ${p.iterations} iterations, ${p.errors} errors, ${p.inFlight} in flight`,
    );
  };
}
