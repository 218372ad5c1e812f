/**
 * Lint rules for the offline SQL of new revisions, in the spirit of squawk: what takes a long
 * lock on a table the previous release serves from, what rewrites it, and what removes
 * something the previous release still reads. As in squawk, a table created in the same
 * revision is new and empty, so the lock rules leave it alone; a table from an earlier revision
 * is treated as live and populated, since each revision may ship in a release of its own.
 */

import type { Usage } from './baseline.js';
import type { MigrationFinding } from './result.js';
import { ddlTarget, identAfter, type Statement, splitStatements } from './statements.js';

/** A revision to lint: its id and offline SQL. */
export interface LintInput {
  revision: string;
  sql: string;
}

export interface LintOptions {
  dialect: string;
  requireTimeouts: boolean;
  /** Where the previous release uses a name; null when there is no baseline to search. */
  findUsages: ((name: string) => Promise<Usage[]>) | null;
}

type Raw = Omit<MigrationFinding, 'revision'>;

/** Lint every revision in order; returns the findings of each, keyed by revision id. */
export async function lintRevisions(inputs: LintInput[], options: LintOptions): Promise<Map<string, Raw[]>> {
  const out = new Map<string, Raw[]>();
  for (const input of inputs) {
    const created = new Set<string>();
    const statements = splitStatements(input.sql);
    for (const s of statements) {
      const target = ddlTarget(s.text);
      if (target.kind === 'create-table' && target.table) created.add(target.table);
    }
    const findings: Raw[] = [];
    for (const s of statements) findings.push(...lockingRules(s, created, options.dialect));
    findings.push(...(await destructiveRules(statements, input.sql, options)));
    if (options.requireTimeouts && options.dialect === 'postgresql')
      findings.push(...timeoutRule(statements, created));
    out.set(
      input.revision,
      findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    );
  }
  return out;
}

function finding(rule: string, s: Statement, message: string): Raw {
  return { rule, severity: 'error', message, sql: s.text, line: s.line };
}

/** Rules about locks and rewrites on tables that existed before the new revisions. */
function lockingRules(s: Statement, created: Set<string>, dialect: string): Raw[] {
  const target = ddlTarget(s.text);
  if (!target.table || created.has(target.table)) return [];
  const table = target.table;
  const out: Raw[] = [];
  const pg = dialect === 'postgresql';
  if (pg && target.kind === 'create-index' && !/\bINDEX\s+CONCURRENTLY\b/i.test(s.text)) {
    out.push(
      finding(
        'require-concurrent-index',
        s,
        `CREATE INDEX without CONCURRENTLY on ${table}: writes to ${table} wait until the index is built; build it CONCURRENTLY (in Alembic: postgresql_concurrently=True inside op.get_context().autocommit_block())`,
      ),
    );
  }
  if (target.kind !== 'alter-table') return out;
  const added = identAfter(s.text, String.raw`\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?`);
  if (
    added &&
    /\bNOT\s+NULL\b/i.test(s.text) &&
    !/\bDEFAULT\b/i.test(s.text) &&
    !/\bADD\s+CONSTRAINT\b/i.test(s.text)
  ) {
    out.push(
      finding(
        'adding-not-null-without-default',
        s,
        `ADD COLUMN ${added} NOT NULL without a DEFAULT on ${table}: fails as soon as ${table} has rows, and the previous release does not write it; add it nullable (or with a default), backfill, then set NOT NULL`,
      ),
    );
  }
  const notNull = identAfter(s.text, String.raw`\bALTER\s+COLUMN\s+`);
  if (pg && notNull && /\bSET\s+NOT\s+NULL\b/i.test(s.text)) {
    out.push(
      finding(
        'setting-not-null',
        s,
        `SET NOT NULL on ${table}.${notNull} scans the whole table under an exclusive lock; add CHECK (${notNull} IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL`,
      ),
    );
  }
  if (notNull && /\bALTER\s+COLUMN\s+\S+\s+(?:SET\s+DATA\s+)?TYPE\b/i.test(s.text)) {
    out.push(
      finding(
        'changing-column-type',
        s,
        `changing the type of ${table}.${notNull} rewrites the table under an exclusive lock (and the previous release may not read the new type); add a new column, backfill, switch over`,
      ),
    );
  }
  if (pg && added && !/\bALTER\s+COLUMN\b/i.test(s.text) && addsRewritingColumn(s.text)) {
    out.push(
      finding(
        'adding-volatile-default',
        s,
        `ADD COLUMN ${added} on ${table} with a volatile default (or a serial/identity/stored generated column) rewrites the whole table under an exclusive lock; add it without the default, set the default for new rows, backfill in batches`,
      ),
    );
  }
  if (
    pg &&
    /\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(UNIQUE|PRIMARY\s+KEY)\b/i.test(s.text) &&
    !/\bUSING\s+INDEX\b/i.test(s.text)
  ) {
    out.push(
      finding(
        'constraint-builds-index',
        s,
        `a UNIQUE or PRIMARY KEY constraint added to ${table} builds its index under an exclusive lock; CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX`,
      ),
    );
  }
  if (
    pg &&
    /\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(FOREIGN\s+KEY|CHECK)\b/i.test(s.text) &&
    !/\bNOT\s+VALID\b/i.test(s.text)
  ) {
    out.push(
      finding(
        'constraint-without-not-valid',
        s,
        `a constraint added to ${table} without NOT VALID checks every row under a lock; add it NOT VALID, then VALIDATE CONSTRAINT in a later statement`,
      ),
    );
  }
  return out;
}

/**
 * PostgreSQL 11+ adds a column with a non-volatile default without a rewrite; a volatile one
 * (a new value per row), a serial or identity column (a sequence value per row) and a stored
 * generated column fill every row.
 */
const VOLATILE_DEFAULT =
  /\bDEFAULT\s+[^,]*\b(gen_random_uuid|uuid_generate_v[14]\w*|random|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

function addsRewritingColumn(text: string): boolean {
  return (
    VOLATILE_DEFAULT.test(text) ||
    /\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(SMALL|BIG)?SERIAL\b/i.test(text) ||
    /\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b/i.test(text) ||
    /\bGENERATED\s+ALWAYS\s+AS\s*\(.*\)\s*STORED\b/i.test(text)
  );
}

/** Drops and renames of columns and tables that the previous release still uses. */
async function destructiveRules(statements: Statement[], sql: string, options: LintOptions): Promise<Raw[]> {
  const out: Raw[] = [];
  for (const s of statements) {
    const target = ddlTarget(s.text);
    const table = target.table;
    if (!table || table.startsWith('_alembic_tmp_')) continue;
    const column =
      target.kind === 'alter-table'
        ? identAfter(s.text, String.raw`\bDROP\s+COLUMN\s+(?:IF\s+EXISTS\s+)?`)
        : undefined;
    const renamed =
      target.kind === 'alter-table' && !/\bRENAME\s+(TO|CONSTRAINT)\b/i.test(s.text)
        ? identAfter(s.text, String.raw`\bRENAME\s+(?:COLUMN\s+)?`)
        : undefined;
    const tableRenamed = target.kind === 'alter-table' && /\bRENAME\s+TO\b/i.test(s.text);
    // SQLite batch mode copies a table: DROP TABLE t is followed by renaming _alembic_tmp_t.
    const dropped = target.kind === 'drop-table' && !sql.includes(`_alembic_tmp_${table}`);
    const subject = column ?? renamed ?? (tableRenamed || dropped ? table : undefined);
    if (!subject) continue;
    const what = column || renamed ? `column ${table}.${subject}` : `table ${table}`;
    const verb = column || dropped ? 'dropping' : 'renaming';
    const rule = `${verb}-${column || renamed ? 'column' : 'table'}-in-use`;
    out.push(
      await usageFinding(rule, s, `${verb === 'dropping' ? 'drops' : 'renames'} ${what}`, subject, options),
    );
  }
  return out;
}

async function usageFinding(
  rule: string,
  s: Statement,
  what: string,
  name: string,
  options: LintOptions,
): Promise<Raw> {
  if (!options.findUsages) {
    return {
      ...finding(
        rule,
        s,
        `${what}; there is no baseline to check whether the previous release still uses "${name}"`,
      ),
      severity: 'warning',
    };
  }
  const usages = await options.findUsages(name);
  if (usages.length === 0) {
    return {
      ...finding(rule, s, `${what}; the previous release does not use "${name}" (checked its source)`),
      severity: 'warning',
    };
  }
  const where = usages.slice(0, 3).map((u) => `${u.file}:${u.line} (${u.text.slice(0, 80)})`);
  const more = usages.length > 3 ? ` and ${usages.length - 3} more` : '';
  return finding(
    rule,
    s,
    `${what}, which the previous release still uses: "${name}" at ${where.join(', ')}${more}; a rollback (or the old release still serving during the deploy) breaks; expand now, contract in a later release`,
  );
}

/**
 * Locking DDL on an existing table needs lock_timeout and statement_timeout set before it. One
 * finding per revision, on its first such statement, naming every table the revision locks so.
 */
function timeoutRule(statements: Statement[], created: Set<string>): Raw[] {
  let lock = false;
  let statement = false;
  let first: { s: Statement; missing: string } | undefined;
  const tables: string[] = [];
  for (const s of statements) {
    if (/^SET\s+(LOCAL\s+)?lock_timeout\b/i.test(s.text)) lock = true;
    if (/^SET\s+(LOCAL\s+)?statement_timeout\b/i.test(s.text)) statement = true;
    const target = ddlTarget(s.text);
    const locking =
      (target.kind === 'alter-table' ||
        target.kind === 'drop-table' ||
        target.kind === 'drop-index' ||
        (target.kind === 'create-index' && !/\bCONCURRENTLY\b/i.test(s.text))) &&
      !(target.table && created.has(target.table));
    if (!locking || (lock && statement)) continue;
    const missing = [lock ? '' : 'lock_timeout', statement ? '' : 'statement_timeout']
      .filter(Boolean)
      .join(' and ');
    first ??= { s, missing };
    if (target.table && !tables.includes(target.table)) tables.push(target.table);
  }
  if (!first) return [];
  const on = tables.length > 0 ? ` on ${tables.join(', ')}` : '';
  return [
    {
      ...finding(
        'missing-timeout',
        first.s,
        `locking DDL${on} without SET ${first.missing} first: it can queue behind a long transaction and block every query on the table meanwhile`,
      ),
      severity: 'warning',
    },
  ];
}
