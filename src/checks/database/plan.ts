/**
 * The database check's part of the plan: `database` (src/plan/schema-database.ts), which the
 * migrations check reads too (`database.migrations`).
 */
import { DatabaseSpec } from '../../plan/schema-database.js';
import type { KindPlan } from '../kind.js';

export const section = {
  database: DatabaseSpec.optional().describe(
    'query review on the critical paths, realistic data, migration safety',
  ),
};

export const databasePlan: KindPlan<typeof section> = {
  section,
  semantics: (plan, source) =>
    plan.database?.realistic_shortfall === 'warn'
      ? [
          {
            code: 'PLAN_UNSUPPORTED',
            severity: 'error',
            message:
              'realistic_shortfall: warn is no longer supported: a query review on less data than database.realistic asks for is not a pass',
            file: source.file,
            ...source.spanOf(['database', 'realistic_shortfall']),
            hint: 'fill a scratch database with database.seed (a command that inserts realistic volumes), or lower database.realistic',
          },
        ]
      : [],
};
