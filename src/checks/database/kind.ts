/** `database.capture`: the queries of the critical paths, their plans, on realistic data. */
import type { CheckKind } from '../kind.js';

export const databaseCheck: CheckKind = {
  section: 'database.capture',
  instances: (plan) => (plan.database?.capture ? [{ id: 'database', kind: 'database' }] : []),
  define: async (plan) => {
    if (!plan.database?.capture) return [];
    const { defineDatabaseCheck } = await import('./check.js');
    return [defineDatabaseCheck(plan, plan.database)];
  },
  report: { kind: 'database', order: 40, load: async () => (await import('./report.js')).databaseReport },
};
