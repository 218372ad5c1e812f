/**
 * A check kind as the registry sees it: how it finds its instances in a plan, and how it
 * defines them for the scheduler. Each kind's folder has a `kind.ts` exporting one; the
 * registry (registry.ts) is the list of them. A descriptor is small and imports its check's
 * module only in `define`, and its report sections only in `report.load`, so a run loads little
 * more than the kinds its plan uses.
 */
import type { Plan } from '../plan/schema.js';
import type { MetricsOverrides } from './metrics/check.js';
import type { KindReportRef } from './report.js';
import type { CheckDefinition } from './types.js';

/** One check a plan asks for: its id (unique in the run) and kind. */
export interface CheckInstance {
  id: string;
  kind: string;
}

export interface CheckSelection {
  /** Check ids or kinds to keep (`--only`); all when absent. */
  only?: string[] | undefined;
  /** Keep every n-th critical path (`--shard i/n`). */
  shard?: { index: number; total: number } | undefined;
  /** `preflight compare`: baseline, candidate env, duration, rate. */
  metrics?: MetricsOverrides | undefined;
  /** The plan's directory (log files are relative to it). */
  planDir?: string | undefined;
  /** The environment `when: { env }` conditions are read from (default: the process's). */
  env?: Record<string, string | undefined> | undefined;
}

/** What `define` gets besides the plan. */
export interface DefineContext {
  selection: CheckSelection;
  /** Whether the plan has an instance of that kind (for ordering: `after`). */
  has: (kind: string) => boolean;
}

export interface CheckKind {
  /** The plan section the kind reads, for messages and docs (`critical_paths`, `database.capture`). */
  section: string;
  /** The kind's instances in the plan; cheap, no module loaded. */
  instances: (plan: Plan) => CheckInstance[];
  /**
   * The definitions of the instances to run (a kind may leave out one the run did not ask
   * for, as the rehearsal does unless `--only rehearsal` or `staging.every_run`).
   */
  define: (plan: Plan, ctx: DefineContext) => Promise<CheckDefinition[]>;
  /**
   * The kind's own sections in the launch record, the terminal summary and the HTML page
   * (report.ts, imported only when a result has the kind's checks); none when the generic
   * sections (checks, commands, findings) say all of it.
   */
  report?: KindReportRef;
}
