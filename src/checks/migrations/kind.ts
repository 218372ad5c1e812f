/** `database.migrations`: the new Alembic revisions linted and rehearsed on a scratch database. */
import type { CheckKind } from '../kind.js';

export const migrationsCheck: CheckKind = {
  section: 'database.migrations',
  instances: (plan) => (plan.database?.migrations ? [{ id: 'migrations', kind: 'migrations' }] : []),
  define: async (plan) => {
    if (!plan.database?.migrations) return [];
    const { defineMigrationsCheck } = await import('./check.js');
    return [defineMigrationsCheck(plan)];
  },
  report: { kind: 'migrations', order: 20, load: async () => (await import('./report.js')).migrationsReport },
};
