/** The cache check's part of the plan: `cache` (src/plan/schema-cache.ts). */
import { CacheSpec } from '../../plan/schema.js';
import type { KindPlan } from '../kind.js';

export const section = {
  cache: CacheSpec.optional().describe('cache behaviour through the CDN, and the cache-leak probe'),
};

export const cachePlan: KindPlan<typeof section> = { section };
