/**
 * The `metrics` check: baseline vs candidate under the same open-model load, in
 * interleaved blocks, compared per critical path; fails on a blocking regression or a
 * broken SLO. Used by `preflight run` (plans with `metrics`) and `preflight compare`.
 */
import path from 'node:path';
import { Agent } from 'undici';
import { applyContention, contentionFocus, contentionPlan } from '../../metrics/contention.js';
import { engineFor } from '../../metrics/engine.js';
import { MetricsError } from '../../metrics/errors.js';
import { resolveBaseline } from '../../metrics/git-baseline.js';
import type { InterleaveOptions, MeasureProgress } from '../../metrics/interleave.js';
import { compareSoFar, type LookSettings, measureSequentially } from '../../metrics/look.js';
import { type RecordedBaseline, readRecordedBaseline } from '../../metrics/recorded.js';
import { buildMetricsResult, confidenceOf, thresholdsOf } from '../../metrics/result.js';
import { type Cleanups, prepareBaseline, runCleanups, startSide } from '../../metrics/sides.js';
import { toMs } from '../../plan/duration.js';
import type { CriticalPath, Duration, Plan } from '../../plan/schema.js';
import { type MetricsConfig, toRate } from '../../plan/schema-metrics.js';
import type { TemplateScope } from '../../plan/template.js';
import { createProbeDispatcher } from '../../probe/dispatcher.js';
import { Redactor } from '../../secrets/redactor.js';
import { passScope } from '../pass.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { decideMetricsOutcome } from './outcome.js';
import type { MetricComparison, MetricsBlock } from './result.js';

/** What `preflight compare` (or a caller of the library) changes in `metrics`. */
export interface MetricsOverrides {
  baseline?: string;
  /** Extra environment of the candidate service only. */
  candidateEnv?: Record<string, string>;
  /** The time budget (`metrics.max_duration`). */
  maxDuration?: Duration;
  rate?: string | number;
  /** `compare --engine`, `--segments`. */
  engine?: MetricsConfig['engine'];
  segments?: number;
  onProgress?: (progress: MeasureProgress) => void;
}

/** Build the `metrics` check of a plan that has a `metrics` section. */
export function defineMetricsCheck(
  plan: Plan,
  config: MetricsConfig,
  overrides: MetricsOverrides,
): CheckDefinition {
  const durationMs = toMs(overrides.maxDuration ?? config.duration ?? config.max_duration);
  return {
    id: 'metrics',
    kind: 'metrics',
    blocking: config.blocking,
    needs: (plan.critical_paths?.length ?? 0) > 0 ? ['paths'] : [],
    // The main phase, at most half as much again per path measured alone (contention), and the services' starts.
    timeoutMs:
      durationMs * (1 + (plan.critical_paths?.length ?? 1) / 2) * 1.2 + toMs(config.setup_timeout) + 180_000,
    run: (ctx) => runMetrics({ plan, config, overrides, durationMs }, ctx),
  };
}

interface MetricsRun {
  plan: Plan;
  config: MetricsConfig;
  overrides: MetricsOverrides;
  durationMs: number;
}

async function runMetrics(m: MetricsRun, ctx: CheckContext): Promise<CheckOutcome> {
  const ref = m.overrides.baseline ?? m.config.baseline;
  const cleanups: Cleanups = [];
  try {
    const paths = selectPaths(m.plan, m.config.paths);
    const baseline = await resolveBaseline(ctx.loaded.dir, ref);
    if (baseline.kind === 'none')
      return { status: 'skip', summary: baseline.reason, skip_reason: baseline.reason };
    const rate = toRate(m.overrides.rate ?? m.config.rate);
    // Before any service starts: a missing k6 is said at once.
    const engine = await engineFor({ ...m, paths, rate }, ctx);
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
    const maxRounds = recorded
      ? recorded.samples.length
      : Math.max(m.config.min_blocks, Math.floor(m.durationMs / (2 * blockMs)) - m.config.warmup);
    const look: LookSettings = {
      paths,
      thresholds: thresholdsOf(m.config),
      alpha: 1 - confidenceOf(m.config),
      perBlock: m.config.model === 'max-rate' ? (m.config.vus ?? 32) * 10 : (rate * blockMs) / 1000,
      maxRounds,
      minRounds: Math.min(m.config.min_blocks, maxRounds),
    };
    const common: Omit<InterleaveOptions, 'paths' | 'budgetMs'> = {
      urls,
      scope: (s, block, n) => iterationScope(ctx, s, `${ctx.runId}-${s[0]}${block}i${n}`),
      rate,
      ...(m.config.model ? { model: m.config.model } : {}),
      ...(m.config.vus ? { vus: m.config.vus } : {}),
      blockMs,
      warmup: m.config.warmup,
      maxInFlight: m.config.max_in_flight,
      ...(engine ? { engine } : {}),
      stepTimeout: m.plan.paths?.step_timeout ?? '10s',
      dispatcher: probeDispatcher,
      signal: ctx.signal,
      ...(m.overrides.onProgress ? { onProgress: m.overrides.onProgress } : {}),
    };
    const main = await measureSequentially(
      { ...common, paths, budgetMs: m.durationMs, maxRounds },
      look,
      recorded?.samples ?? [],
    );
    if (ctx.signal.aborted) return { status: 'skip', summary: 'run cancelled', skip_reason: 'run cancelled' };
    const comparisons = compareSoFar([...(recorded?.samples ?? []), ...main.measured.samples], look, true);
    const plan = recorded ? null : contentionPlan(comparisons);
    let contention: Parameters<typeof buildMetricsResult>[0]['contention'];
    if (plan) {
      // Each path that moved, measured alone (contention.ts), within half the budget each.
      const budgetMs = m.durationMs / 2;
      const aloneRounds = Math.max(look.minRounds, Math.floor(budgetMs / (2 * blockMs)) - m.config.warmup);
      const aloneRows = new Map<string, MetricComparison[]>();
      const blocks: MetricsBlock[] = [];
      let rounds = 0;
      let elapsedMs = 0;
      for (const name of plan.alone) {
        const alonePaths = paths.filter((p) => p.name === name);
        const aloneLook = {
          ...look,
          paths: alonePaths,
          maxRounds: aloneRounds,
          focus: contentionFocus(comparisons, name),
        };
        const alone = await measureSequentially(
          {
            ...common,
            paths: alonePaths,
            budgetMs,
            maxRounds: aloneRounds,
            phase: 'alone',
            firstIndex: main.measured.blocks.length + blocks.length,
          },
          aloneLook,
          [],
        );
        if (ctx.signal.aborted)
          return { status: 'skip', summary: 'run cancelled', skip_reason: 'run cancelled' };
        aloneRows.set(name, compareSoFar(alone.measured.samples, aloneLook, false));
        blocks.push(...alone.measured.blocks);
        rounds += alone.measured.rounds;
        elapsedMs += alone.measured.elapsedMs;
      }
      applyContention(comparisons, aloneRows, plan);
      contention = {
        summary: { ...plan, rounds, elapsed_ms: Math.round(elapsedMs) },
        blocks,
        elapsedMs,
      };
    }
    const result = buildMetricsResult({
      config: m.config,
      paths,
      baseline,
      measured: main.measured,
      recorded,
      comparisons,
      sequential: main.summary,
      ...(contention ? { contention } : {}),
      rate,
      blockMs,
      maxDurationMs: m.durationMs,
      ref,
      ...(engine ? { engine: engine.settings } : {}),
    });
    return {
      ...decideMetricsOutcome(result, m.config.slo_blocking),
      runLevel: { metrics: ctx.redactor.redactValue(result) },
    };
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
  const throwaway = new Redactor();
  const scope = passScope(ctx, { id, serviceUrl: '', dir: path.join(ctx.runDir, side), redactor: throwaway });
  const secret = scope.secret;
  return {
    ...scope,
    secret: (name) => {
      const value = secret(name);
      if (value !== undefined) ctx.redactor.add(value);
      return value;
    },
  };
}
