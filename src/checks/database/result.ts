/**
 * The `database` check's part of a result: statements per step, the plan of each
 * statement shape, and the findings (JSON Schema: `DatabaseReview` in result.schema.json, generated from this type).
 */
import type { CommandRun } from '../result.js';

/** What the `database` check captured on the critical paths and found in the query plans. */
export interface DatabaseReview {
  dialect: 'postgresql' | 'sqlite';
  /** Whether plans were taken with EXPLAIN ANALYZE. */
  analyze: boolean;
  /**
   * Statements captured outside any step (start-up, other traffic); not reviewed.
   * @minimum 0
   * @asType integer
   */
  outside_steps: number;
  /** Row counts of the tables in `database.realistic`, with their minimums. */
  tables: {
    table: string;
    rows: number | null;
    /**
     * @minimum 0
     * @asType integer
     */
    minimum: number;
  }[];
  steps: DatabaseStepStatements[];
  plans: QueryPlanReview[];
  findings: DatabaseFinding[];
  /** With `database.baseline`: the shapes whose plan is not what it was in that result. */
  plan_changes?: PlanChange[];
  /** With `database.seed`: the scratch database the review ran on, and the seed command. */
  seed?: {
    kind: 'postgresql' | 'sqlite';
    command: CommandRun;
    /** The project's own tool (`alembic current`) read the marker preflight placed in the scratch database. */
    proof?: {
      marker: string;
      /** @minimum 0 */
      duration_ms: number;
    };
  };
}

/** A statement shape whose plan changed since the baseline (null: it did not run on that side). */
export interface PlanChange {
  shape: string;
  before: string[] | null;
  after: string[] | null;
}

/** How many statements one step of a critical path caused. */
export interface DatabaseStepStatements {
  path: string;
  step: string;
  /**
   * @minimum 0
   * @asType integer
   */
  statements: number;
  /**
   * Distinct statement shapes.
   * @minimum 0
   * @asType integer
   */
  shapes: number;
  /**
   * Time spent in the database, as the service measured it.
   * @minimum 0
   */
  ms: number;
}

/** One statement shape (literals and parameters as `?`) and its plan. */
export interface QueryPlanReview {
  shape: string;
  /**
   * @minimum 1
   * @asType integer
   */
  count: number;
  /** @minimum 0 */
  total_ms: number;
  /** `path / step` of every step that ran it. */
  steps: string[];
  /** The parameters the plan was taken with, secret-looking ones redacted. */
  params?: unknown;
  /** The plan, one node a line, indented by depth. */
  plan: string[];
  /** Why there is no plan (e.g. EXPLAIN failed). */
  plan_error?: string;
}

/** A problem in the queries of the critical paths. */
export interface DatabaseFinding {
  kind:
    | 'missing-index'
    | 'seq-scan'
    | 'sort-without-index'
    | 'n-plus-one'
    | 'misestimate'
    | 'sort-spill'
    | 'not-realistic';
  severity: 'error' | 'warning';
  message: string;
  path?: string;
  step?: string;
  /** The statement's shape. */
  statement?: string;
  table?: string;
  columns?: string[];
  /** N+1: statements of this shape in the step. */
  count?: number;
  /** What to do, e.g. the CREATE INDEX statement. */
  suggestion?: string;
}
