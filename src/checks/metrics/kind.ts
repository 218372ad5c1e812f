/** `metrics`: before/after against the baseline release. */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const metricsCheck: CheckKind<typeof section> = {
  section: 'metrics',
  plan: () => import('./plan.js').then((m) => m.metricsPlan),
  instances: (plan) => (plan.metrics ? [{ id: 'metrics', kind: 'metrics' }] : []),
  define: async (plan, { selection }) => {
    if (!plan.metrics) return [];
    const { defineMetricsCheck } = await import('./check.js');
    return [defineMetricsCheck(plan, plan.metrics, selection.metrics ?? {})];
  },
  report: { kind: 'metrics', order: 50, load: async () => (await import('./report.js')).metricsReport },
};
