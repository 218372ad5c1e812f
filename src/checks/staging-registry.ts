/**
 * The checks of the plan's `staging` and `logs` sections: `config`, `rehearsal` and `logs`.
 * The rehearsal deploys to staging, so it runs only when asked for (`preflight rehearse`,
 * `--only rehearsal`) or when the plan sets `staging.every_run`.
 */
import type { Plan } from '../plan/schema.js';
import type { CheckDefinition } from './types.js';

/** The ids and kinds of the staging and logs checks the plan defines. */
export function listStagingCheckIds(plan: Plan): { id: string; kind: string }[] {
  const out: { id: string; kind: string }[] = [];
  if (plan.staging?.config) out.push({ id: 'config', kind: 'config' });
  if (plan.staging?.deploy) out.push({ id: 'rehearsal', kind: 'rehearsal' });
  if (plan.logs) out.push({ id: 'logs', kind: 'logs' });
  return out;
}

/**
 * Define the staging and logs checks; call when the run starts (logs records file sizes).
 * Each module is imported only when the plan has its section.
 */
export async function defineStagingChecks(
  plan: Plan,
  selection: { only?: string[] | undefined; planDir?: string | undefined },
): Promise<CheckDefinition[]> {
  const out: CheckDefinition[] = [];
  const staging = plan.staging;
  if (staging?.config) out.push((await import('./config/check.js')).defineConfigCheck(staging.config));
  const asked = selection.only?.includes('rehearsal') ?? false;
  if (staging?.deploy && (staging.every_run || asked))
    out.push((await import('./rehearsal/check.js')).defineRehearsalCheck(staging));
  if (plan.logs) {
    const after = (plan.critical_paths?.length ?? 0) > 0 ? ['paths'] : [];
    const { defineLogsCheck } = await import('./logs/check.js');
    out.push(defineLogsCheck(plan.logs, { planDir: selection.planDir ?? process.cwd(), after }));
  }
  return out;
}
