/**
 * What the `migrations` check found: each revision new since the baseline with its offline
 * SQL, lint findings and waivers, and the downgrade rehearsal on a scratch database.
 */

/** An accepted risk from the plan, as applied to a finding. */
export interface MigrationWaiverResult {
  revision: string;
  /** The rule waived; every rule of the revision when absent. */
  rule?: string;
  reason: string;
  by?: string;
}

/** One lint or rehearsal finding about a revision. */
export interface MigrationFinding {
  rule: string;
  revision: string;
  /** `error` blocks the launch; a waived finding is a `warning`. */
  severity: 'error' | 'warning';
  message: string;
  /** The statement the finding is about, when there is one. */
  sql?: string;
  /**
   * Its line in the revision's offline SQL (1-based).
   * @minimum 1
   * @asType integer
   */
  line?: number;
  waiver?: MigrationWaiverResult;
}

/** One revision new since the baseline. */
export interface MigrationRevision {
  revision: string;
  down_revision: string | null;
  message: string;
  /** The revision file, relative to the plan. */
  file: string;
  /** Its offline SQL (`alembic upgrade A:B --sql`) in the linted dialect. */
  sql: string;
  /** Whether the revision has a downgrade (a `downgrade()` that does more than `pass`). */
  has_downgrade: boolean;
  findings: MigrationFinding[];
}

/** One Alembic command of the downgrade rehearsal. */
export interface MigrationRehearsalStep {
  name: string;
  command: string;
  exit_code: number | null;
  /** @minimum 0 */
  duration_ms: number;
  status: 'pass' | 'fail';
  output_tail?: string;
}

/** upgrade → downgrade (to the baseline revision) → upgrade, on a scratch database. */
export interface MigrationRehearsal {
  status: 'pass' | 'fail' | 'skip';
  /** `postgresql` (a scratch database created and dropped) or `sqlite` (a fresh file). */
  database: string;
  /** The scratch database's name (PostgreSQL) or file name (SQLite); it is gone when the check ends. */
  scratch?: string;
  /** The revision downgraded to: the baseline's head, or `base`. */
  target: string;
  steps: MigrationRehearsalStep[];
  summary: string;
}

/** The `migrations` field of a check result. */
export interface MigrationsResult {
  tool: 'alembic';
  dialect: string;
  baseline: {
    /** The git ref the new revisions are counted from; null when there is none. */
    ref: string | null;
    commit?: string;
    /** The Alembic head(s) of the baseline tree; null when every revision is new. */
    revision: string | null;
    note?: string;
  };
  /** The candidate's Alembic head(s). */
  head: string[];
  revisions: MigrationRevision[];
  waivers: MigrationWaiverResult[];
  rehearsal?: MigrationRehearsal;
}
