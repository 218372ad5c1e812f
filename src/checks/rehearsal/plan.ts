/**
 * The rehearsal's part of the plan: `staging` (src/plan/schema-staging.ts), which the config
 * check reads too (`staging.config`).
 */
import { StagingSpec } from '../../plan/schema.js';
import type { KindPlan } from '../kind.js';

export const section = {
  staging: StagingSpec.optional().describe('deploy and rollback rehearsal on staging, and its configuration'),
};

export const rehearsalPlan: KindPlan<typeof section> = { section };
