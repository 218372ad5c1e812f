/**
 * One run of a plan: plan -> checks -> graph -> results -> verdict -> reporters.
 */

import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { linkTracebacks } from '../checks/logs/link.js';
import type { MetricsOverrides } from '../checks/metrics/check.js';
import { withPlanVariables } from '../checks/pass.js';
import type { PathResult } from '../checks/paths/result.js';
import { buildChecks, type CheckSelection } from '../checks/registry.js';
import type { CheckContext } from '../checks/types.js';
import { EngineAgent } from '../http/agent.js';
import type { LoadedPlan } from '../plan/load.js';
import { planNeeds } from '../plan/needs.js';
import { ownDir } from '../plan/own-dir.js';
import type { TemplateScope } from '../plan/template.js';
import { renderServiceEnv, ServiceError, type ServiceHandle, startService } from '../process/service.js';
import type { Reporter } from '../report/reporter.js';
import { Redactor } from '../secrets/redactor.js';
import { registerPlanSecrets } from '../secrets/register.js';
import { VERSION } from '../version.js';
import { ownOutputs, readGitInfo } from './git.js';
import { recoverLeftovers, sweepAfterRun } from './leftovers.js';
import type { Invocation, RunResult } from './result.js';
import { type GraphResult, runGraph } from './scheduler.js';
import { createSecretLookup } from './secrets.js';
import { decideVerdict } from './verdict.js';

export interface RunOptions {
  loaded: LoadedPlan;
  /** Check ids or kinds to run (`--only`). */
  only?: string[];
  /** An already running service (`--base-url`). */
  baseUrl?: string;
  /** `--shard i/n`: run every n-th critical path. */
  shard?: { index: number; total: number };
  reporter?: Reporter;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Checks that run at once (default 4). */
  concurrency?: number;
  redactor?: Redactor;
  /** `preflight compare`: overrides of the plan's `metrics`. */
  metrics?: MetricsOverrides;
  /** The command line that asked for this run (recorded for "How to repeat"). */
  invocation?: Invocation;
}

/** Run a loaded plan and return its result. Reporters are called along the way. */
export async function runPlan(options: RunOptions): Promise<RunResult> {
  const { loaded } = options;
  const { plan } = loaded;
  const env = options.env ?? process.env;
  const signal = options.signal ?? new AbortController().signal;
  const reporter = options.reporter;
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15).replace('T', '-')}-${randomBytes(3).toString('hex')}`;
  const runDir = await ownDir(loaded.dir, 'runs', runId);
  // git runs while the checks do (its processes would otherwise add to every run's wall time).
  const gitInfo = readGitInfo(loaded.dir, { ownPaths: ownOutputs(loaded) });
  const redactor = options.redactor ?? new Redactor();
  const secret = createSecretLookup(loaded.dir, plan.secrets?.file, env);
  // Before anything starts: a service that prints its environment at start-up shows no secret.
  registerPlanSecrets(
    plan,
    { env, secret, run: { id: runId, dir: runDir }, ...(options.baseUrl ? { urls: [options.baseUrl] } : {}) },
    redactor,
  );
  const started = performance.now();
  const startedAt = new Date();
  const selection: CheckSelection = {
    only: options.only,
    shard: options.shard,
    metrics: options.metrics,
    planDir: loaded.dir,
    env,
  };
  const checks = await buildChecks(plan, selection);
  const dispatcher = new EngineAgent({ keepAliveTimeout: 10_000, connections: 64 });
  const makeScope = (serviceUrl: string): TemplateScope =>
    withPlanVariables(
      {
        env,
        secret,
        run: { id: runId, dir: runDir },
        service: { url: serviceUrl },
        vars: new Map(),
        redactor,
      },
      plan.variables ?? {},
    );
  let service: Promise<ServiceHandle> | null = null;
  /** The service once it answered (for `serviceExit`, which must not wait). */
  let answered: ServiceHandle | null = null;
  const serviceExit = (): { how: string; tail: string } | null => {
    const how = answered?.exited?.() ?? null;
    return how && answered ? { how, tail: answered.tail(30) } : null;
  };
  const serviceLog = path.join(runDir, 'service.log');
  const getService = async (): Promise<ServiceHandle> => {
    // A service that ended is not started again: the checks after it say so, not "connection refused".
    const exit = serviceExit();
    if (exit)
      throw new ServiceError(
        'SERVICE_EXITED',
        `the service ${exit.how} during an earlier check, and is not restarted`,
        exit.tail,
      );
    service ??= startService({
      config: plan.service,
      planDir: loaded.dir,
      logFile: serviceLog,
      // Only a service preflight starts gets its env: with --base-url or service.url, the
      // secrets it names are not asked for (a check that uses one still renders it).
      env:
        options.baseUrl || plan.service.url
          ? {}
          : renderServiceEnv(plan.service.env ?? {}, makeScope(''), redactor),
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      redactLog: (text) => redactor.redact(text),
      signal,
      dispatcher,
    }).then((handle) => {
      answered = handle;
      return handle;
    });
    return service;
  };
  reporter?.onRunStart?.({
    runId,
    planFile: relativePlan(loaded),
    service: plan.service.name,
    checks: checks.map((c) => ({ id: c.id, kind: c.kind })),
  });
  const context = (checkSignal: AbortSignal): CheckContext => ({
    loaded,
    runId,
    runDir,
    redactor,
    signal: checkSignal,
    service: getService,
    scope: makeScope,
    dispatcher,
    onStepEnd: (p, step) => reporter?.onStepEnd?.(p, step),
  });
  // What a run of this plan that was killed left (a baseline worktree, staging down) goes first.
  const cleanup = await recoverLeftovers(context(signal));
  let graph: GraphResult;
  let servicePort: number | null = null;
  let readyNote: string | undefined;
  let serviceLogged = false;
  try {
    graph = await runGraph(checks, {
      concurrency: options.concurrency ?? 4,
      signal,
      context,
      serviceExit,
      onCheckStart: (c) => reporter?.onCheckStart?.({ id: c.id, kind: c.kind }),
      onCheckEnd: (r) => reporter?.onCheckEnd?.(redactor.redactValue(r)),
    });
  } finally {
    const handle = service ? await (service as Promise<ServiceHandle>).catch(() => null) : null;
    servicePort = handle?.port ?? null;
    readyNote = handle?.readyNote;
    // A log only of a service preflight started (or tried to): --base-url and service.url have none.
    serviceLogged =
      service !== null && (handle ? handle.logFile !== null : !(options.baseUrl || plan.service.url));
    await handle?.stop();
    // A secret the run learned after the service logged it (a token logged as it was issued)
    // was written as it was: the whole log once more, now that every secret is known.
    if (handle?.logFile) await redactFile(handle.logFile, redactor);
    await dispatcher.close().catch(() => {});
  }
  cleanup.push(...sweepAfterRun(servicePort));
  const git = await gitInfo;
  const results = graph.checks;
  const paths = graph.runLevel.flatMap((r) => r.paths ?? []);
  const metrics = graph.runLevel.find((r) => r.metrics)?.metrics;
  const verdict = decideVerdict(results, signal.aborted);
  // Each traceback the logs check found goes under the failed step whose request caused it.
  linkTracebacks(paths, results);
  const result: RunResult = {
    schema_version: 1,
    tool: { name: 'preflight', version: VERSION },
    run_id: runId,
    plan: { file: relativePlan(loaded), hash: loaded.hash },
    service: {
      name: plan.service.name,
      owner: plan.service.owner ?? null,
      version: plan.service.version ?? git?.describe ?? null,
      url: options.baseUrl ?? plan.service.url ?? null,
      ...(readyNote ? { ready_note: readyNote } : {}),
    },
    git,
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
    ...verdict,
    checks: results,
    paths: orderPaths(paths, plan.critical_paths?.map((p) => p.name) ?? []),
    assumptions: plan.assumptions ?? [],
    ...(serviceLogged ? { service_log: path.relative(process.cwd(), serviceLog) } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.invocation ? { invocation: options.invocation } : {}),
    needs: planNeeds(plan),
    ...(metrics ? { metrics } : {}),
    ...(cleanup.length > 0 ? { cleanup } : {}),
  };
  return redactor.redactValue(result);
}

function orderPaths(paths: PathResult[], order: string[]): PathResult[] {
  return [...paths].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

function relativePlan(loaded: LoadedPlan): string {
  return path.relative(process.cwd(), loaded.file) || loaded.file;
}

/**
 * The largest log rewritten at the end of the run: a bigger one (a long load test's access log)
 * keeps what the line-by-line redaction wrote, the secrets known as it was written.
 */
const REDACT_FILE_LIMIT = 64 * 1024 * 1024;

/** Rewrite `file` redacted, if redacting changes it (a missing file is left missing). */
async function redactFile(file: string, redactor: Redactor): Promise<void> {
  const size = await stat(file)
    .then((s) => s.size)
    .catch(() => null);
  if (size === null || size > REDACT_FILE_LIMIT) return;
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  const redacted = redactor.redact(text);
  if (redacted !== text) await writeFile(file, redacted);
}
