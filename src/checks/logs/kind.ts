/** `logs`: what the service wrote while the checks ran (defined when the run starts: it records file sizes). */
import type { CheckKind } from '../kind.js';

export const logsCheck: CheckKind = {
  section: 'logs',
  instances: (plan) => (plan.logs ? [{ id: 'logs', kind: 'logs' }] : []),
  define: async (plan, { selection, has }) => {
    if (!plan.logs) return [];
    const { defineLogsCheck } = await import('./check.js');
    const after = has('paths') ? ['paths'] : [];
    return [defineLogsCheck(plan.logs, { planDir: selection.planDir ?? process.cwd(), after })];
  },
};
