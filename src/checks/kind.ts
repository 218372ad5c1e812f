/**
 * A check kind as the registry sees it: how it finds its instances in a plan, and how it
 * defines them for the scheduler. Each kind's folder has a `kind.ts` exporting one; the
 * registry (registry.ts) is the list of them. A descriptor is small and imports its check's
 * module only in `define`, and its report sections only in `report.load`, so a run loads little
 * more than the kinds its plan uses.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../plan/diagnostic.js';
import type { Plan } from '../plan/spec.js';
import type { YamlSource } from '../plan/yaml-source.js';
import type { MetricsOverrides } from './metrics/check.js';
import type { KindReportRef } from './report.js';
import type { CheckDefinition } from './types.js';

/** The zod shape of the plan keys a kind adds (`{ cache: CacheSpec.optional() }`). */
export type SectionShape = z.ZodRawShape;

/** The shape of a kind that adds no key to the plan (it reads another kind's). */
export type NoSection = Record<never, never>;

/** A plan with a kind's own keys: the registry's plan, and a kind not in the registry's. */
export type PlanWith<S extends SectionShape> = Plan & { [K in keyof S]: z.output<S[K]> };

/**
 * A kind's part of the plan: the keys it adds to the plan's schema and what it checks of them
 * beyond the schema. In the kind's `plan.ts`, loaded only when a plan is parsed (it loads zod).
 */
export interface KindPlan<S extends SectionShape = NoSection> {
  /** The top-level keys of the plan this kind owns, with their schemas. */
  section: S;
  /** Problems of a schema-valid plan in this kind's keys (errors fail loading, warnings do not). */
  semantics?(plan: PlanWith<S>, source: YamlSource): Diagnostic[];
}

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

export interface CheckKind<S extends SectionShape = NoSection> {
  /** The plan section the kind reads, for messages and docs (`critical_paths`, `database.capture`). */
  section: string;
  /**
   * The kind's keys of the plan (its `plan.ts`, imported here lazily): the plan's schema is
   * the base (src/plan/schema.ts) and these, composed in the registry's order (src/plan/spec.ts).
   * A kind that reads a key another kind owns (the migrations check reads `database`) has none.
   */
  plan?(): Promise<KindPlan<S>>;
  /** The kind's instances in the plan; cheap, no module loaded. */
  instances(plan: PlanWith<S>): CheckInstance[];
  /**
   * The definitions of the instances to run (a kind may leave out one the run did not ask
   * for, as the rehearsal does unless `--only rehearsal` or `staging.every_run`).
   */
  define(plan: PlanWith<S>, ctx: DefineContext): Promise<CheckDefinition[]>;
  /**
   * The kind's own sections in the launch record, the terminal summary and the HTML page
   * (report.ts, imported only when a result has the kind's checks); none when the generic
   * sections (checks, commands, findings) say all of it.
   */
  report?: KindReportRef;
}
