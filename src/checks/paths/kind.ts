/** `critical_paths`: every path against the running service (`--shard i/n` keeps every n-th). */
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

export const pathsCheck: CheckKind<typeof section> = {
  section: 'critical_paths',
  plan: () => import('./plan.js').then((m) => m.pathsPlan),
  instances: (plan) => ((plan.critical_paths?.length ?? 0) > 0 ? [{ id: 'paths', kind: 'paths' }] : []),
  define: async (plan, { selection }) => {
    const paths = (plan.critical_paths ?? []).map((path, index) => ({ path, index }));
    if (paths.length === 0) return [];
    const shard = selection.shard;
    const chosen = shard ? paths.filter((_, i) => i % shard.total === shard.index - 1) : paths;
    const { definePathsCheck } = await import('./check.js');
    return [definePathsCheck(chosen, plan.paths)];
  },
  report: {
    kind: 'paths',
    order: 0,
    load: async () => (await import('./report.js')).pathsReport,
    absent: { title: 'Critical paths', note: 'No critical path ran.' },
  },
};
