/**
 * Starting both releases on this machine: the baseline from a git worktree (after the
 * plan's `metrics.setup` command) and the candidate from the work tree, each with its
 * own port and its own `{{ run.dir }}` (so its own SQLite database). Every start
 * pushes its clean-up onto `cleanups` before it begins, like a teardown registered
 * before its setup, so a failure or Ctrl-C half-way leaves nothing behind.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { toMs } from '../plan/duration.js';
import type { ServiceConfig } from '../plan/schema.js';
import type { MetricsConfig } from '../plan/schema-metrics.js';
import type { TemplateScope } from '../plan/template.js';
import { runCommand } from '../process/process.js';
import { renderServiceEnv, ServiceError, startService } from '../process/service.js';
import type { Redactor } from '../secrets/redactor.js';
import { MetricsError } from './errors.js';
import { addWorktree, type ResolvedBaseline } from './git-baseline.js';

/** Clean-ups, run last-registered first. */
export type Cleanups = (() => Promise<void>)[];

/** What starting one side needs. */
export interface SideStart {
  service: ServiceConfig;
  /** The directory of this side's plan (work tree or worktree). */
  planDir: string;
  /** This side's `{{ run.dir }}`. */
  dir: string;
  scope: TemplateScope;
  extraEnv: Record<string, string>;
  redactor: Redactor;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  cleanups: Cleanups;
}

/** Start one side's service; returns its URL. Throws MetricsError with the service's output. */
export async function startSide(side: 'baseline' | 'candidate', o: SideStart): Promise<string> {
  await mkdir(o.dir, { recursive: true });
  const scope: TemplateScope = { ...o.scope, run: { id: o.scope.run.id, dir: o.dir } };
  const env = { ...renderServiceEnv(o.service.env ?? {}, scope, o.redactor), ...o.extraEnv };
  try {
    const handle = await startService({
      config: { ...o.service, url: undefined },
      planDir: o.planDir,
      logFile: path.join(o.dir, 'service.log'),
      redactLog: (text) => o.redactor.redact(text),
      env,
      signal: o.signal,
      dispatcher: o.dispatcher,
    });
    o.cleanups.push(() => handle.stop());
    return handle.url;
  } catch (error) {
    const code = side === 'baseline' ? 'METRICS_BASELINE_NOT_STARTED' : 'METRICS_CANDIDATE_NOT_STARTED';
    const tail = error instanceof ServiceError && error.tail ? `; its output ends with:\n${error.tail}` : '';
    throw new MetricsError(
      code,
      `the ${side} service did not start: ${(error as Error).message}${o.redactor.redact(tail)}`,
      {
        cause: error,
      },
    );
  }
}

/** Check the baseline out and run `metrics.setup` there; returns the baseline's plan directory. */
export async function prepareBaseline(
  baseline: Extract<ResolvedBaseline, { kind: 'git' }>,
  o: {
    candidatePlanDir: string;
    config: MetricsConfig;
    cleanups: Cleanups;
    signal: AbortSignal;
    redactor: Redactor;
  },
): Promise<string> {
  const tree = await addWorktree(baseline, o.candidatePlanDir);
  o.cleanups.push(tree.remove);
  await mkdir(tree.planDir, { recursive: true });
  if (!o.config.setup) return tree.planDir;
  const outcome = await runCommand(o.config.setup, {
    cwd: tree.planDir,
    env: {
      ...process.env,
      PREFLIGHT_CANDIDATE_DIR: o.candidatePlanDir,
      PREFLIGHT_BASELINE_DIR: tree.planDir,
      PREFLIGHT_BASELINE_REF: baseline.ref,
    },
    timeoutMs: toMs(o.config.setup_timeout),
    signal: o.signal,
  });
  if (outcome.exit_code !== 0) {
    const why = outcome.timed_out ? 'timed out' : `exited with ${outcome.exit_code ?? outcome.signal}`;
    const tail = o.redactor.redact(outcome.output.split('\n').slice(-15).join('\n'));
    throw new MetricsError(
      'METRICS_SETUP_FAILED',
      `metrics.setup (${o.config.setup}) ${why} in the baseline work tree of ${baseline.ref}; its output ends with:\n${tail}`,
    );
  }
  return tree.planDir;
}

/** Run the clean-ups, last first; none may throw. */
export async function runCleanups(cleanups: Cleanups): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
}
