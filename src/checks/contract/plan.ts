/** The contract check's part of the plan: `contract` (src/plan/schema-contract.ts), and that its `auth` names a user. */
import { ContractSpec } from '../../plan/schema.js';
import { checkAuthReference } from '../../plan/semantics-auth.js';
import type { KindPlan } from '../kind.js';

export const section = {
  contract: ContractSpec.optional().describe('contract fuzzing of the OpenAPI document with Schemathesis'),
};

export const contractPlan: KindPlan<typeof section> = {
  section,
  semantics: (plan, source) =>
    checkAuthReference(plan, source, plan.contract?.auth, ['contract', 'auth'], 'contract'),
};
