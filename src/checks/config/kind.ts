/** `staging.config`: the staging configuration against what the plan requires. */
import type { CheckKind } from '../kind.js';

export const configCheck: CheckKind = {
  section: 'staging.config',
  instances: (plan) => (plan.staging?.config ? [{ id: 'config', kind: 'config' }] : []),
  define: async (plan) => {
    if (!plan.staging?.config) return [];
    const { defineConfigCheck } = await import('./check.js');
    return [defineConfigCheck(plan.staging.config)];
  },
};
