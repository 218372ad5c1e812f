/**
 * Realistic data: the tables of `database.realistic` must hold their minimum rows before
 * plans are reviewed (a plan on ten rows says nothing about a hundred thousand).
 */
import type { DatabaseConfig } from '../../plan/schema-database.js';
import type { DatabaseClient } from './client.js';
import type { DatabaseFinding, DatabaseReview } from './result.js';

const SEED_HINT =
  'fill a scratch database to these volumes with database.seed (a command that inserts realistic data), or lower database.realistic';

/** Row counts of the `realistic` tables and a finding for each one below its minimum. */
export async function checkRealistic(
  client: DatabaseClient,
  config: DatabaseConfig,
): Promise<{ tables: DatabaseReview['tables']; findings: DatabaseFinding[]; short: boolean }> {
  const tables: DatabaseReview['tables'] = [];
  const findings: DatabaseFinding[] = [];
  // The shortfall is reported as coverage (the check covered less than asked), not as a finding that fails.
  const severity = 'warning';
  for (const [table, minimum] of Object.entries(config.realistic ?? {})) {
    const rows = await client.rowCount(table);
    tables.push({ table, rows, minimum });
    if (rows !== null && rows >= minimum) continue;
    findings.push({
      kind: 'not-realistic',
      severity,
      message:
        rows === null
          ? `table ${table} does not exist; database.realistic asks for at least ${minimum} rows`
          : `table ${table} has ${rows} rows, fewer than the ${minimum} database.realistic asks for: plans on so few rows say little`,
      table,
      suggestion: SEED_HINT,
    });
  }
  return { tables, findings, short: findings.length > 0 };
}
