/** `contract`: Schemathesis against the OpenAPI document, after the paths and the database review. */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const contractCheck: CheckKind<typeof section> = {
  section: 'contract',
  plan: () => import('./plan.js').then((m) => m.contractPlan),
  instances: (plan) => (plan.contract ? [{ id: 'contract', kind: 'contract' }] : []),
  define: async (plan, { has }) => {
    if (!plan.contract) return [];
    const { defineContractCheck } = await import('./check.js');
    // Its fuzzing writes carts and orders that the critical paths must not see.
    const after = ['paths', 'database'].filter(has);
    // Authenticated as the plan's auth says: anonymous cases of a protected operation only reach its 401.
    const user = plan.contract.auth ?? plan.auth?.default;
    const runAs = user === 'none' ? undefined : user;
    return [defineContractCheck(plan.contract, { after, runAs })];
  },
};
