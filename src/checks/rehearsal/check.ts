/**
 * The `rehearsal` check: staging as a rehearsal of the launch. Deploy the candidate, run the
 * critical paths, roll back, run them against the previous release (which now meets the
 * candidate's schema), redeploy, run them again. The release staging was on is recorded
 * first; if any phase fails, the teardown puts staging back on it and says where it is.
 */

import { toMs } from '../../plan/duration.js';
import type { StagingConfig } from '../../plan/schema.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { explainFromLog, type LogMark, markLog } from './diagnose.js';
import { noteRehearsalPhase, releaseRehearsalLock, takeRehearsalLock } from './lock.js';
import { describeFailure, runDeployment, runPathsPhase } from './phases.js';
import type { PhaseResult, StagingOutcome } from './result.js';
import { currentRelease, openStaging, type Staging, StagingError, stopLingering } from './staging.js';
import { type Restoration, restoreStaging, stopStaging } from './teardown.js';

/** The phases of a rehearsal, in order. */
export const PHASES = ['deploy', 'paths', 'rollback', 'paths', 'redeploy', 'paths'] as const;

/** Build the `rehearsal` check from the plan's `staging` section (which has deploy and rollback). */
export function defineRehearsalCheck(config: StagingConfig): CheckDefinition {
  const commandMs = toMs(config.command_timeout);
  return {
    id: 'rehearsal',
    kind: 'rehearsal',
    blocking: config.blocking,
    needs: [],
    timeoutMs: 6 * commandMs + 10 * 60_000,
    run: (ctx) => runRehearsal(config, ctx),
  };
}

async function runRehearsal(config: StagingConfig, ctx: CheckContext): Promise<CheckOutcome> {
  const staging = await openStaging(config, ctx);
  const outcome: StagingOutcome = {
    url: staging.url,
    candidate: config.candidate,
    release_before: null,
    release_after: null,
    restored: false,
  };
  try {
    outcome.release_before = await currentRelease(staging, ctx.signal);
    // From here until the teardown ends, a later run can tell that this rehearsal did not finish.
    await takeRehearsalLock(ctx.loaded.dir, outcome.release_before);
  } catch (error) {
    await stopLingering(staging);
    if (error instanceof StagingError) return errored(error.code, error.message, outcome);
    throw error;
  }
  try {
    return await rehearseLocked(config, staging, outcome);
  } finally {
    await stopLingering(staging);
    await releaseRehearsalLock(ctx.loaded.dir);
  }
}

async function rehearseLocked(
  config: StagingConfig,
  staging: Staging,
  outcome: StagingOutcome,
): Promise<CheckOutcome> {
  const ctx = staging.ctx;
  let known = outcome.release_before;
  // Without a `current` command the release is unknown (not absent): rehearse as it is.
  if (!known && config.current) {
    if (!config.baseline) {
      const message =
        'staging has no release to roll back to, and the plan has no staging.baseline to deploy first';
      return errored('STAGING_EMPTY', message, outcome);
    }
    const baseline = await runDeployment(staging, {
      name: 'baseline',
      command: config.deploy as string,
      ref: config.baseline,
      signal: ctx.signal,
    });
    outcome.baseline = baseline;
    known = baseline.release ?? null;
    await takeRehearsalLock(ctx.loaded.dir, known);
    if (baseline.status !== 'pass') {
      await teardown(staging, outcome, known, true);
      return errored(
        'BASELINE_DEPLOY_FAILED',
        `could not deploy the baseline ${config.baseline}: ${baseline.summary}`,
        outcome,
      );
    }
  }
  // The teardown is registered before the candidate's deploy starts.
  const phases: PhaseResult[] = [];
  let restoration: Restoration | null = null;
  let schemaBroken = false;
  try {
    schemaBroken = await rehearse(staging, phases);
  } finally {
    const failed = ctx.signal.aborted || phases.some((p) => p.status === 'fail' || p.status === 'error');
    restoration = await teardown(staging, outcome, known, failed);
  }
  fillSkipped(phases);
  if (schemaBroken && restoration) {
    restoration.message += "; its database keeps the candidate's migrations (a rollback does not undo them)";
  }
  return summarize(phases, outcome, restoration);
}

/** The six phases; stops at the first that does not pass. True when staging's schema broke a release. */
async function rehearse(staging: Staging, phases: PhaseResult[]): Promise<boolean> {
  const { config, ctx } = staging;
  const signal = ctx.signal;
  const steps: { name: 'deploy' | 'rollback' | 'redeploy'; command: string; ref?: string }[] = [
    { name: 'deploy', command: config.deploy as string, ref: config.candidate },
    { name: 'rollback', command: config.rollback as string },
    { name: 'redeploy', command: config.deploy as string, ref: config.candidate },
  ];
  let candidateRelease: string | undefined;
  for (const [i, step] of steps.entries()) {
    await noteRehearsalPhase(ctx.loaded.dir, step.name);
    const mark = await markLog(staging);
    const phase = await guarded(step.name, () => runDeployment(staging, { ...step, signal }));
    phases.push(phase);
    if (phase.status === 'pass') expectRelease(phase, candidateRelease);
    if (phase.status !== 'pass') return false;
    if (step.name === 'deploy') candidateRelease = phase.release;
    const paths = await guarded('paths', () =>
      runPathsPhase(staging, { suffix: `p${2 * i + 2}`, release: phase.release, signal }),
    );
    phases.push(paths);
    if (paths.status === 'pass') continue;
    return paths.status === 'fail' ? await blame(staging, phase, paths, mark) : false;
  }
  return false;
}

/** A rollback must leave the candidate's release; a redeploy must come back to it. */
function expectRelease(phase: PhaseResult, candidate: string | undefined): void {
  if (!candidate || !phase.release) return;
  if (phase.name === 'rollback' && phase.release === candidate) {
    phase.status = 'fail';
    phase.summary = `the rollback left staging on the candidate's release ${candidate}`;
  }
  if (phase.name === 'redeploy' && phase.release !== candidate) {
    phase.status = 'fail';
    phase.summary = `the redeploy put staging on release ${phase.release}, not the candidate's ${candidate}`;
  }
}

/** A deployment whose release fails its critical paths failed too; say why, from staging's log. */
async function blame(
  staging: Staging,
  deployment: PhaseResult,
  paths: PhaseResult,
  mark: LogMark,
): Promise<boolean> {
  const first = paths.paths?.find((p) => p.status === 'fail' || p.status === 'error');
  const reason = await explainFromLog(staging, mark);
  let why = reason ? `; staging logged: ${reason.text}` : '';
  if (reason?.schema && deployment.name === 'rollback') {
    why = `; the previous release does not work with the schema the candidate's migrations left (${reason.text}): a migration dropped or renamed something it reads; split it (expand now, contract in a later release)`;
  }
  const failure = first ? describeFailure(first) : paths.summary;
  deployment.status = 'fail';
  deployment.summary = `${deployment.summary}, but its critical paths fail: ${failure}${why}`;
  paths.summary = `${paths.summary}${why}`;
  return reason?.schema === true;
}

async function guarded(name: string, run: () => Promise<PhaseResult>): Promise<PhaseResult> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof StagingError)) throw error;
    return { name, status: 'error', duration_ms: 0, summary: `${error.code}: ${error.message}` };
  }
}

async function teardown(
  staging: Staging,
  outcome: StagingOutcome,
  known: string | null,
  failed: boolean,
): Promise<Restoration | null> {
  let restoration: Restoration | null = null;
  if (failed) {
    restoration = await restoreStaging(staging, known);
    outcome.restored = restoration.restored;
    outcome.release_after = restoration.release_after;
    if (restoration.restore) outcome.restore = restoration.restore;
  } else {
    outcome.release_after = await currentRelease(staging, new AbortController().signal).catch(() => null);
  }
  const stop = await stopStaging(staging);
  if (stop) outcome.stop = stop;
  return restoration;
}

function fillSkipped(phases: PhaseResult[]): void {
  const failed = phases.findIndex((p) => p.status !== 'pass');
  for (let i = phases.length; i < PHASES.length; i++) {
    const reason =
      failed >= 0 ? `skipped: phase ${failed + 1} (${phases[failed]?.name}) did not pass` : 'skipped';
    phases.push({ name: PHASES[i] as string, status: 'skip', duration_ms: 0, summary: reason });
  }
}

function summarize(
  phases: PhaseResult[],
  outcome: StagingOutcome,
  restoration: Restoration | null,
): CheckOutcome {
  const bad = phases.find((p) => p.status === 'fail' || p.status === 'error');
  const where = restoration?.message ?? `staging is on release ${outcome.release_after ?? 'unknown'}`;
  if (!bad && phases.every((p) => p.status === 'pass')) {
    const time = (name: string): string => {
      const p = phases.find((x) => x.name === name);
      return p ? `${name} ${(p.duration_ms / 1000).toFixed(1)} s` : name;
    };
    return {
      status: 'pass',
      summary: `${time('deploy')}, ${time('rollback')}, ${time('redeploy')}; the critical paths passed after each; ${where}`,
      phases,
      staging: outcome,
    };
  }
  if (!bad)
    return {
      status: 'skip',
      summary: 'run cancelled',
      skip_reason: 'run cancelled',
      phases,
      staging: outcome,
    };
  const index = phases.indexOf(bad) + 1;
  const summary = `phase ${index} (${bad.name}) failed: ${bad.summary}. ${capitalize(where)}`;
  if (bad.status === 'error') {
    return {
      status: 'error',
      summary,
      error: { code: 'REHEARSAL_ERROR', message: summary },
      phases,
      staging: outcome,
    };
  }
  return { status: 'fail', summary, phases, staging: outcome };
}

function errored(code: string, message: string, outcome: StagingOutcome): CheckOutcome {
  return { status: 'error', summary: message, error: { code, message }, staging: outcome };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
