/** `database.capture`: the queries of the critical paths, their plans, on realistic data. */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const databaseCheck: CheckKind<typeof section> = {
  section: 'database.capture',
  plan: () => import('./plan.js').then((m) => m.databasePlan),
  instances: (plan) => (plan.database?.capture ? [{ id: 'database', kind: 'database' }] : []),
  define: async (plan) => {
    if (!plan.database?.capture) return [];
    const { defineDatabaseCheck } = await import('./check.js');
    return [defineDatabaseCheck(plan, plan.database)];
  },
  report: { kind: 'database', order: 40, load: async () => (await import('./report.js')).databaseReport },
};
