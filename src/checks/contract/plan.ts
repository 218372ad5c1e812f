/** The contract check's part of the plan: `contract` (src/plan/schema-contract.ts). */
import { ContractSpec } from '../../plan/schema.js';
import type { KindPlan } from '../kind.js';

export const section = {
  contract: ContractSpec.optional().describe('contract fuzzing of the OpenAPI document with Schemathesis'),
};

export const contractPlan: KindPlan<typeof section> = { section };
