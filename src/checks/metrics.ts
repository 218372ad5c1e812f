/**
 * The `metrics` check: baseline vs candidate under the same open-model load, in
 * interleaved blocks, compared per critical path; fails on a blocking regression or a
 * broken SLO. Used by `preflight run` (plans with `metrics`) and `preflight compare`.
 */
import path from 'node:path';
import { Agent } from 'undici';
import { MetricsError } from '../metrics/errors.js';
import { resolveBaseline } from '../metrics/git-baseline.js';
import { countBlocks, measureInterleaved } from '../metrics/interleave.js';
import { decideMetricsOutcome } from '../metrics/judge.js';
import { type RecordedBaseline, readRecordedBaseline } from '../metrics/recorded.js';
import { buildMetricsResult } from '../metrics/result.js';
import { type Cleanups, prepareBaseline, runCleanups, startSide } from '../metrics/sides.js';
import { toMs } from '../plan/duration.js';
import type { CriticalPath, Duration, Plan } from '../plan/schema.js';
import { type MetricsConfig, toRate } from '../plan/schema-metrics.js';
import type { TemplateScope } from '../plan/template.js';
import { createProbeDispatcher } from '../probe/dispatcher.js';
import type { ProbeProgress } from '../probe/probe.js';
import { Redactor } from '../report/redact.js';
import type { MetricsResult } from '../result-metrics.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from './types.js';

/** What `preflight compare` (or a caller of the library) changes in `metrics`. */
export interface MetricsOverrides {
  baseline?: string;
  /** Extra environment of the candidate service only. */
  candidateEnv?: Record<string, string>;
  duration?: Duration;
  rate?: string | number;
  onProgress?: (progress: { block: number; blocks: number; side: string } & ProbeProgress) => void;
}

/** Build the `metrics` check of a plan that has a `metrics` section. */
export function defineMetricsCheck(
  plan: Plan,
  config: MetricsConfig,
  overrides: MetricsOverrides,
  sink: (result: MetricsResult) => void,
): CheckDefinition {
  const durationMs = toMs(overrides.duration ?? config.duration);
  return {
    id: 'metrics',
    kind: 'metrics',
    blocking: config.blocking,
    needs: (plan.critical_paths?.length ?? 0) > 0 ? ['paths'] : [],
    timeoutMs: durationMs * 3 + toMs(config.setup_timeout) + 180_000,
    run: (ctx) => runMetrics({ plan, config, overrides, durationMs, sink }, ctx),
  };
}

interface MetricsRun {
  plan: Plan;
  config: MetricsConfig;
  overrides: MetricsOverrides;
  durationMs: number;
  sink: (result: MetricsResult) => void;
}

async function runMetrics(m: MetricsRun, ctx: CheckContext): Promise<CheckOutcome> {
  const ref = m.overrides.baseline ?? m.config.baseline;
  const cleanups: Cleanups = [];
  try {
    const paths = selectPaths(m.plan, m.config.paths);
    const baseline = await resolveBaseline(ctx.loaded.dir, ref);
    if (baseline.kind === 'none')
      return { status: 'skip', summary: baseline.reason, skip_reason: baseline.reason };
    const agent = new Agent({ connections: m.config.max_in_flight, keepAliveTimeout: 10_000 });
    cleanups.push(() => agent.close());
    // The probe's own transport (lean HTTP/1.1 for http origins); `agent` serves readiness polls.
    const probeDispatcher = createProbeDispatcher(m.config.max_in_flight);
    cleanups.push(() => probeDispatcher.close());
    const side = (name: 'baseline' | 'candidate', planDir: string, extraEnv: Record<string, string>) =>
      startSide(name, {
        service: m.plan.service,
        planDir,
        dir: path.join(ctx.runDir, name),
        scope: ctx.scope(''),
        extraEnv,
        redactor: ctx.redactor,
        dispatcher: agent,
        signal: ctx.signal,
        cleanups,
      });
    const urls: { baseline?: string; candidate?: string } = {};
    let recorded: RecordedBaseline | null = null;
    if (baseline.kind === 'git') {
      const planDir = await prepareBaseline(baseline, {
        candidatePlanDir: ctx.loaded.dir,
        ...m,
        cleanups,
        signal: ctx.signal,
        redactor: ctx.redactor,
      });
      urls.baseline = await side('baseline', planDir, {});
    } else recorded = await readRecordedBaseline(baseline.file);
    urls.candidate = await side('candidate', ctx.loaded.dir, m.overrides.candidateEnv ?? {});
    const blockMs = toMs(m.config.block);
    const sides = recorded ? 1 : 2;
    const blocks = countBlocks(m.config, m.durationMs, blockMs, sides);
    const rate = toRate(m.overrides.rate ?? m.config.rate);
    const measured = await measureInterleaved({
      paths,
      urls,
      scope: (s, block, n) => iterationScope(ctx, s, `${ctx.runId}-${s[0]}${block}i${n}`),
      rate,
      ...(m.config.model ? { model: m.config.model } : {}),
      ...(m.config.vus ? { vus: m.config.vus } : {}),
      blockMs,
      blocks,
      warmup: m.config.warmup,
      maxInFlight: m.config.max_in_flight,
      stepTimeout: m.plan.paths?.step_timeout ?? '10s',
      dispatcher: probeDispatcher,
      signal: ctx.signal,
      ...(m.overrides.onProgress ? { onProgress: m.overrides.onProgress } : {}),
    });
    if (ctx.signal.aborted) return { status: 'skip', summary: 'run cancelled', skip_reason: 'run cancelled' };
    const result = buildMetricsResult({
      config: m.config,
      paths,
      baseline,
      measured,
      recorded,
      rate,
      blockMs,
      durationMs: m.durationMs,
      ref,
    });
    m.sink(ctx.redactor.redactValue(result));
    return decideMetricsOutcome(result, m.config.slo_blocking);
  } catch (error) {
    if (!(error instanceof MetricsError)) throw error;
    return {
      status: 'error',
      summary: ctx.redactor.redact(error.message),
      error: { code: error.code, message: ctx.redactor.redact(error.message) },
    };
  } finally {
    await runCleanups(cleanups);
  }
}

/** The critical paths `metrics.paths` names (all when absent). */
function selectPaths(plan: Plan, names: string[] | undefined): CriticalPath[] {
  const all = plan.critical_paths ?? [];
  if (!names) return all;
  return names.map((name) => {
    const found = all.find((p) => p.name === name);
    if (!found) {
      const known = all.map((p) => p.name).join(', ');
      throw new MetricsError(
        'METRICS_UNKNOWN_PATH',
        `metrics.paths names "${name}", which is not a critical path (there are: ${known})`,
      );
    }
    return found;
  });
}

/**
 * One iteration's scope: a unique `{{ run.id }}` (so that sign-up paths can repeat), its
 * own variables, and a throwaway redactor (captured tokens of thousands of iterations
 * would otherwise pile up in the run's); plan secrets still reach the run's redactor.
 */
function iterationScope(ctx: CheckContext, side: string, id: string): TemplateScope {
  const base = ctx.scope('');
  return {
    ...base,
    run: { id, dir: path.join(ctx.runDir, side) },
    vars: new Map(base.vars),
    redactor: new Redactor(),
    secret: (name) => {
      const value = base.secret(name);
      if (value !== undefined) ctx.redactor.add(value);
      return value;
    },
  };
}
