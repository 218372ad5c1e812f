/**
 * Which checks a plan asks for, as definitions for the scheduler. A check kind's module is
 * imported only when the plan uses it, so a run loads little more than what it runs.
 */
import type { Plan } from '../plan/schema.js';
import type { PathResult } from '../result.js';
import type { MetricsResult } from '../result-metrics.js';
import type { MetricsOverrides } from './metrics.js';
import type { CheckDefinition } from './types.js';

export interface CheckSelection {
  /** Check ids or kinds to keep (`--only`); all when absent. */
  only?: string[] | undefined;
  /** Keep every n-th critical path (`--shard i/n`). */
  shard?: { index: number; total: number } | undefined;
  /** `preflight compare`: baseline, candidate env, duration, rate. */
  metrics?: MetricsOverrides | undefined;
  /** The plan's directory (log files are relative to it). */
  planDir?: string | undefined;
}

export class SelectionError extends Error {
  readonly code = 'USAGE_UNKNOWN_CHECK';
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/** The ids and kinds of every check the plan defines. */
export async function listCheckIds(plan: Plan): Promise<{ id: string; kind: string }[]> {
  const { commandKind } = await import('./command.js');
  const { listStagingCheckIds } = await import('./staging-registry.js');
  const out = Object.entries(plan.checks ?? {}).map(([id, spec]) => ({ id, kind: commandKind(id, spec) }));
  if ((plan.critical_paths?.length ?? 0) > 0) out.push({ id: 'paths', kind: 'paths' });
  if (plan.metrics) out.push({ id: 'metrics', kind: 'metrics' });
  if (plan.cache) out.push({ id: 'cache', kind: 'cache' });
  if (plan.database?.capture) out.push({ id: 'database', kind: 'database' });
  if (plan.database?.migrations) out.push({ id: 'migrations', kind: 'migrations' });
  out.push(...listStagingCheckIds(plan));
  return out;
}

/** Build the check definitions for a plan, filtered by the selection. */
export async function buildChecks(
  plan: Plan,
  selection: CheckSelection,
  onPaths: (r: PathResult[]) => void,
  onMetrics: (r: MetricsResult) => void = () => {},
): Promise<CheckDefinition[]> {
  const all: CheckDefinition[] = [];
  if (plan.checks) {
    const { defineCommandCheck } = await import('./command.js');
    for (const [id, spec] of Object.entries(plan.checks)) all.push(defineCommandCheck(id, spec));
  }
  const paths = (plan.critical_paths ?? []).map((path, index) => ({ path, index }));
  const shard = selection.shard;
  const chosen = shard ? paths.filter((_, i) => i % shard.total === shard.index - 1) : paths;
  if (paths.length > 0) {
    const { definePathsCheck } = await import('./paths.js');
    all.push(definePathsCheck(chosen, plan.paths, onPaths));
  }
  if (plan.cache) {
    const { defineCacheCheck } = await import('./cache/check.js');
    all.push(defineCacheCheck(plan.cache, { explicit: selection.only?.includes('cache') ?? false }));
  }
  if (plan.database?.capture) {
    const { defineDatabaseCheck } = await import('./database/check.js');
    all.push(defineDatabaseCheck(plan, plan.database));
  }
  if (plan.database?.migrations) {
    const { defineMigrationsCheck } = await import('./migrations/check.js');
    all.push(defineMigrationsCheck(plan));
  }
  if (plan.metrics) {
    const { defineMetricsCheck } = await import('./metrics.js');
    all.push(defineMetricsCheck(plan, plan.metrics, selection.metrics ?? {}, onMetrics));
  }
  const { defineStagingChecks } = await import('./staging-registry.js');
  all.push(...(await defineStagingChecks(plan, selection)));
  if (!selection.only) return all;
  const wanted = new Set(selection.only);
  const known = new Set(all.flatMap((c) => [c.id, c.kind]));
  const unknown = [...wanted].filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new SelectionError(
      `--only ${unknown.join(',')}: the plan has no such check (it has: ${[...known].join(', ')})`,
    );
  }
  return all.filter((c) => wanted.has(c.id) || wanted.has(c.kind));
}
