/**
 * The rehearsal's teardown, registered before the first deploy: when a phase failed (or the
 * run was cancelled), put staging back on the release it was on, then say which release it
 * is on now; at the very end run the plan's `stop` command, if any.
 */
import type { CommandRun } from '../result.js';
import {
  currentRelease,
  lastLine,
  runStagingCommand,
  type Staging,
  StagingError,
  waitHealthy,
} from './staging.js';

/** What the teardown did. */
export interface Restoration {
  restored: boolean;
  release_after: string | null;
  restore?: CommandRun;
  /** One sentence: which release staging is on now. */
  message: string;
}

/** Teardown commands run even after a cancellation; each is bounded by command_timeout. */
function teardownSignal(): AbortSignal {
  return new AbortController().signal;
}

/** Put staging back on `known` (with the plan's `restore` command) and say where it is. */
export async function restoreStaging(staging: Staging, known: string | null): Promise<Restoration> {
  const signal = teardownSignal();
  const template = staging.config.restore;
  if (!known || !template) {
    const after = await safeCurrent(staging, signal);
    const why = known
      ? 'the plan has no staging.restore command'
      : 'staging had no release before the rehearsal';
    return {
      restored: false,
      release_after: after,
      message: `staging was not restored (${why}); ${where(after)}`,
    };
  }
  const started = performance.now();
  const { run, outcome } = await runStagingCommand(staging, template, { release: known, signal });
  const healthy = outcome.exit_code === 0 ? await waitHealthy(staging, started, signal) : null;
  const after = await safeCurrent(staging, signal);
  if (outcome.exit_code === 0 && healthy?.ok && after === known) {
    return {
      restored: true,
      release_after: after,
      restore: run,
      message: `staging is back on release ${known}, the release it was on before the candidate was deployed`,
    };
  }
  const why =
    outcome.exit_code !== 0
      ? `\`${run.command}\` exited ${outcome.exit_code ?? outcome.signal}: ${lastLine(run.output_tail)}`
      : healthy && !healthy.ok
        ? `staging is not healthy: ${healthy.message}`
        : `staging reports release ${after ?? 'none'}`;
  return {
    restored: false,
    release_after: after,
    restore: run,
    message: `could not put staging back on release ${known} (${why}); ${where(after)}`,
  };
}

/** Run the plan's `stop` command, if any. */
export async function stopStaging(staging: Staging): Promise<CommandRun | undefined> {
  const template = staging.config.stop;
  if (!template) return undefined;
  const { run } = await runStagingCommand(staging, template, { signal: teardownSignal() });
  return run;
}

/** The release staging is on, or null when that cannot be told. */
export async function safeCurrent(staging: Staging, signal: AbortSignal): Promise<string | null> {
  try {
    return await currentRelease(staging, signal);
  } catch (error) {
    if (error instanceof StagingError) return null;
    throw error;
  }
}

function where(release: string | null): string {
  return release ? `staging is on release ${release}` : 'which release staging is on is unknown';
}
