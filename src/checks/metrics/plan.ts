/** The metrics check's part of the plan: `metrics` (src/plan/schema-metrics.ts). */
import { MetricsSpec } from '../../plan/schema-metrics.js';
import type { KindPlan } from '../kind.js';

export const section = {
  metrics: MetricsSpec.optional().describe('before/after load measurement against a baseline'),
};

export const metricsPlan: KindPlan<typeof section> = { section };
