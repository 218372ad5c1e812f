/** `cache`: what the CDN or proxy in front of the service caches. */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const cacheCheck: CheckKind<typeof section> = {
  section: 'cache',
  plan: () => import('./plan.js').then((m) => m.cachePlan),
  instances: (plan) => (plan.cache ? [{ id: 'cache', kind: 'cache' }] : []),
  define: async (plan, { selection }) => {
    if (!plan.cache) return [];
    const { defineCacheCheck } = await import('./check.js');
    return [defineCacheCheck(plan.cache, { explicit: selection.only?.includes('cache') ?? false })];
  },
  report: { kind: 'cache', order: 30, load: async () => (await import('./report.js')).cacheReport },
};
