/**
 * The two kinds of rehearsal phase: a deployment (deploy, rollback, redeploy: a command,
 * then staging must become healthy) and a run of the critical paths against staging.
 */
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { describeValue } from '../../http/describe-value.js';
import { runCriticalPath } from '../../http/run-path.js';
import type { CriticalPath } from '../../plan/schema.js';
import { newPass } from '../pass.js';
import type { PathResult } from '../paths/result.js';
import type { PhasePathResult, PhaseResult } from './result.js';
import { currentRelease, lastLine, runStagingCommand, type Staging, waitHealthy } from './staging.js';

/** What a deployment phase runs. */
export interface DeploymentSpec {
  name: string;
  command: string;
  ref?: string;
  signal: AbortSignal;
}

/** Run a deploy or rollback command, wait for staging to be healthy, read its release. */
export async function runDeployment(staging: Staging, spec: DeploymentSpec): Promise<PhaseResult> {
  const started = performance.now();
  const { run, outcome } = await runStagingCommand(staging, spec.command, {
    signal: spec.signal,
    ...(spec.ref !== undefined ? { ref: spec.ref } : {}),
  });
  const base = { name: spec.name, command: run };
  const took = (): number => round(performance.now() - started);
  if (outcome.cancelled) return { ...base, status: 'skip', duration_ms: took(), summary: 'run cancelled' };
  if (outcome.timed_out || outcome.exit_code !== 0) {
    const why = outcome.timed_out
      ? 'did not finish in time'
      : `exited ${outcome.exit_code ?? outcome.signal}`;
    return {
      ...base,
      status: 'fail',
      duration_ms: took(),
      summary: `\`${run.command}\` ${why}: ${lastLine(run.output_tail)}`,
    };
  }
  const healthy = await waitHealthy(staging, started, spec.signal);
  if (!healthy.ok) {
    return {
      ...base,
      status: 'fail',
      duration_ms: took(),
      summary: `\`${run.command}\` exited 0, but staging is not healthy: ${healthy.message}`,
    };
  }
  const release = await currentRelease(staging, spec.signal);
  return {
    ...base,
    status: 'pass',
    duration_ms: took(),
    time_to_healthy_ms: healthy.ms,
    ...(release ? { release } : {}),
    summary: `${release ? `release ${release}` : 'staging'} healthy after ${seconds(healthy.ms)}`,
  };
}

/** What a paths phase runs. */
export interface PathsPhaseSpec {
  /** Makes the data of this phase unique: `{{ run.id }}` is the run id plus this suffix. */
  suffix: string;
  release: string | undefined;
  signal: AbortSignal;
}

/** Run every critical path of the plan against staging. */
export async function runPathsPhase(staging: Staging, spec: PathsPhaseSpec): Promise<PhaseResult> {
  const started = performance.now();
  const { ctx } = staging;
  const plan = ctx.loaded.plan;
  // A fresh pool per phase: connections to the process a restart replaced are gone.
  const dispatcher = new Agent({ keepAliveTimeout: 1000 });
  const timeout = plan.paths?.step_timeout ?? '10s';
  // A fresh pass per phase: its own `{{ run.id }}` and variables, the OpenAPI document of the
  // release this phase runs against, and its own tokens (a restart or a new release may not
  // know the old ones).
  const pass = newPass(ctx, {
    name: spec.suffix,
    serviceUrl: staging.url,
    dispatcher,
    signal: spec.signal,
    timeout,
  });
  const results: PathResult[] = [];
  try {
    for (const path of (plan.critical_paths ?? []) as CriticalPath[]) {
      const result = await runCriticalPath(path, {
        baseUrl: pass.baseUrl,
        scope: pass.scope,
        settings: { step_timeout: timeout },
        signal: spec.signal,
        dispatcher,
        openapi: pass.openapi,
        auth: pass.auth,
      });
      for (const step of result.steps) ctx.onStepEnd(`rehearsal ${spec.suffix} ${path.name}`, step);
      results.push(result);
    }
  } finally {
    await dispatcher.close().catch(() => {});
  }
  const paths = results.map(shortPath);
  const bad = paths.filter((p) => p.status === 'fail' || p.status === 'error');
  const on = spec.release ? ` on release ${spec.release}` : '';
  const duration_ms = round(performance.now() - started);
  if (paths.length > 0 && paths.every((p) => p.status === 'skip'))
    return { name: 'paths', status: 'skip', duration_ms, summary: 'run cancelled', paths };
  if (bad.length === 0)
    return {
      name: 'paths',
      status: 'pass',
      duration_ms,
      summary: `${paths.length} critical paths passed${on}`,
      paths,
    };
  const first = bad[0] as PhasePathResult;
  return {
    name: 'paths',
    status: 'fail',
    duration_ms,
    summary: `${bad.length} of ${paths.length} critical paths failed${on}: ${describeFailure(first)}`,
    paths,
  };
}

/** `checkout › pay: status expected 201, got 500 (owner carol)`. */
export function describeFailure(path: PhasePathResult): string {
  const step = path.failed_step ? ` › ${path.failed_step}` : '';
  const why = path.message ? `: ${path.message}` : '';
  return `${path.name}${step}${why} (owner ${path.owner})`;
}

function shortPath(result: PathResult): PhasePathResult {
  const out: PhasePathResult = {
    name: result.name,
    owner: result.owner,
    status: result.status,
    duration_ms: result.duration_ms,
  };
  const step = result.steps.find((s) => s.status === 'fail' || s.status === 'error');
  if (!step) return out;
  out.failed_step = step.name;
  const failure = step.failures?.[0];
  if (failure) {
    out.message = `${failure.assertion} expected ${describeValue(failure.expected)}, got ${describeValue(failure.actual)}`;
  } else if (step.error) {
    out.message = `${step.error.code}: ${step.error.message}`;
  }
  return out;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
