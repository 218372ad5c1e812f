/** `logs`: what the service wrote while the checks ran (defined when the run starts: it records file sizes). */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const logsCheck: CheckKind<typeof section> = {
  section: 'logs',
  plan: () => import('./plan.js').then((m) => m.logsPlan),
  instances: (plan) => (plan.logs ? [{ id: 'logs', kind: 'logs' }] : []),
  define: async (plan, { selection, has }) => {
    if (!plan.logs) return [];
    const { defineLogsCheck } = await import('./check.js');
    const after = has('paths') ? ['paths'] : [];
    return [defineLogsCheck(plan.logs, { planDir: selection.planDir ?? process.cwd(), after })];
  },
};
