/**
 * Which checks a plan asks for, as definitions for the scheduler.
 */
import type { Plan } from '../plan/schema.js';
import type { PathResult } from '../result.js';
import type { MetricsResult } from '../result-metrics.js';
import { defineCacheCheck } from './cache/check.js';
import { commandKind, defineCommandCheck } from './command.js';
import { defineMetricsCheck, type MetricsOverrides } from './metrics.js';
import { definePathsCheck } from './paths.js';
import { defineStagingChecks, listStagingCheckIds } from './staging-registry.js';
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
export function listCheckIds(plan: Plan): { id: string; kind: string }[] {
  const out = Object.entries(plan.checks ?? {}).map(([id, spec]) => ({ id, kind: commandKind(id, spec) }));
  if ((plan.critical_paths?.length ?? 0) > 0) out.push({ id: 'paths', kind: 'paths' });
  if (plan.metrics) out.push({ id: 'metrics', kind: 'metrics' });
  if (plan.cache) out.push({ id: 'cache', kind: 'cache' });
  out.push(...listStagingCheckIds(plan));
  return out;
}

/** Build the check definitions for a plan, filtered by the selection. */
export function buildChecks(
  plan: Plan,
  selection: CheckSelection,
  onPaths: (r: PathResult[]) => void,
  onMetrics: (r: MetricsResult) => void = () => {},
): CheckDefinition[] {
  const all: CheckDefinition[] = Object.entries(plan.checks ?? {}).map(([id, spec]) =>
    defineCommandCheck(id, spec),
  );
  const paths = (plan.critical_paths ?? []).map((path, index) => ({ path, index }));
  const shard = selection.shard;
  const chosen = shard ? paths.filter((_, i) => i % shard.total === shard.index - 1) : paths;
  if (paths.length > 0) all.push(definePathsCheck(chosen, plan.paths, onPaths));
  if (plan.cache)
    all.push(defineCacheCheck(plan.cache, { explicit: selection.only?.includes('cache') ?? false }));
  if (plan.metrics) all.push(defineMetricsCheck(plan, plan.metrics, selection.metrics ?? {}, onMetrics));
  all.push(...defineStagingChecks(plan, selection));
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
