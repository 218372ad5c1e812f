/**
 * `preflight rehearse`: the `rehearsal` check (deploy the candidate to staging, run the
 * critical paths, roll back, run them, redeploy, run them) and, when the plan has one, the
 * `config` check of staging against production. Exit codes as for `preflight run`.
 */
import type { LoadedPlan } from '../plan/load.js';
import { type RunFlags, runCommand } from './run.js';

/** Flags of `preflight rehearse`. */
export interface RehearseFlags {
  plan: string;
  candidate?: string;
  baseline?: string;
  json?: string;
  junit?: string;
  record?: string | boolean;
  verbose?: boolean;
  color?: boolean;
  /** `--store URL|FILE`, or false with `--no-store`. */
  store?: string | boolean;
}

/** Rehearse the launch on staging and return the exit code. */
export async function rehearseCommand(flags: RehearseFlags): Promise<number> {
  const run: RunFlags = {
    plan: flags.plan,
    only: 'rehearsal',
    concurrency: '2',
    ...(flags.json ? { json: flags.json } : {}),
    ...(flags.junit ? { junit: flags.junit } : {}),
    ...(flags.record !== undefined ? { record: flags.record } : {}),
    ...(flags.verbose ? { verbose: true } : {}),
    ...(flags.color === false ? { color: false } : {}),
    ...(flags.store !== undefined ? { store: flags.store } : {}),
    invocation: {
      command: 'rehearse',
      args: [
        ...(flags.candidate ? ['--candidate', flags.candidate] : []),
        ...(flags.baseline ? ['--baseline', flags.baseline] : []),
      ],
    },
  };
  run.adjustPlan = (loaded: LoadedPlan): string | undefined => {
    const staging = loaded.plan.staging;
    if (!staging?.deploy) {
      return `preflight rehearse: ${flags.plan} has no staging.deploy; add a staging section with url, deploy and rollback (see the README)`;
    }
    if (flags.candidate) staging.candidate = flags.candidate;
    if (flags.baseline) staging.baseline = flags.baseline;
    // runCommand reads `only` after this hook: the config check joins when the plan has one.
    if (staging.config) run.only = 'rehearsal,config';
    return undefined;
  };
  return runCommand(run);
}
