/**
 * `staging.deploy`: deploy, roll back and redeploy on staging. It deploys, so it runs only
 * when asked for (`preflight rehearse`, `--only rehearsal`) or when the plan sets
 * `staging.every_run`.
 */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const rehearsalCheck: CheckKind<typeof section> = {
  section: 'staging.deploy',
  plan: () => import('./plan.js').then((m) => m.rehearsalPlan),
  instances: (plan) => (plan.staging?.deploy ? [{ id: 'rehearsal', kind: 'rehearsal' }] : []),
  define: async (plan, { selection }) => {
    const staging = plan.staging;
    const asked = selection.only?.includes('rehearsal') ?? false;
    if (!staging?.deploy || !(staging.every_run || asked)) return [];
    const { defineRehearsalCheck } = await import('./check.js');
    return [defineRehearsalCheck(staging)];
  },
  report: { kind: 'rehearsal', order: 10, load: async () => (await import('./report.js')).rehearsalReport },
};
