/**
 * Findings from plans and statement counts: a full scan of a large table on a column
 * without an index (with the CREATE INDEX to add), a large unfiltered scan, a sort
 * without an index, estimates far from the actual rows, sorts spilled to disk, N+1.
 */

import type { Dialect, PlanNode } from './client.js';
import type { DatabaseFinding } from './result.js';
import { shortShape } from './shape.js';

/** Where a statement was seen, and what the findings can look up about its tables. */
export interface PlanContext {
  dialect: Dialect;
  shape: string;
  path: string;
  step: string;
  seqScanRows: number;
  rows: (table: string) => Promise<number | null>;
  indexes: (table: string) => Promise<string[][]>;
}

/** An estimate this many times off (either way) is a finding. */
const MISESTIMATE_FACTOR = 10;
/** ...but not for small row counts, where it does not matter. */
const MISESTIMATE_MIN_ROWS = 1000;

/** The findings of one statement shape's plan. */
export async function findPlanProblems(nodes: PlanNode[], c: PlanContext): Promise<DatabaseFinding[]> {
  const out: DatabaseFinding[] = [];
  let lastTable: string | undefined;
  for (const node of nodes) {
    if (node.table) lastTable = node.table;
    if (node.scan === 'full' && node.table) out.push(...(await scanProblems(node, node.table, c)));
    if (node.op === 'Sort' && node.sortColumns.length > 0) {
      const sort = await sortProblem(node, node.table ?? lastTable, c);
      if (sort) out.push(sort);
    }
    if (node.spilled)
      out.push(
        at(c, { kind: 'sort-spill', severity: 'warning', message: `a sort spilled to disk in ${where(c)}` }),
      );
    const misestimate = misestimated(node, c);
    if (misestimate) out.push(misestimate);
  }
  return out;
}

async function scanProblems(node: PlanNode, table: string, c: PlanContext): Promise<DatabaseFinding[]> {
  const rows = await c.rows(table);
  if (rows === null || rows < c.seqScanRows) return [];
  const leading = new Set((await c.indexes(table)).map((cols) => cols[0]));
  const missing = node.filterColumns.filter((col) => !leading.has(col));
  if (missing.length > 0) {
    return [
      at(c, {
        kind: 'missing-index',
        severity: 'error',
        message: `${where(c)} scans all ${rows} rows of ${table}: no index on ${missing.join(', ')}`,
        table,
        columns: missing,
        suggestion: createIndex(c.dialect, table, missing),
      }),
    ];
  }
  if (node.filterColumns.length > 0 || node.inJoin) return [];
  return [
    at(c, {
      kind: 'seq-scan',
      severity: 'warning',
      message: `${where(c)} reads all ${rows} rows of ${table} (no filter)`,
      table,
    }),
  ];
}

async function sortProblem(
  node: PlanNode,
  table: string | undefined,
  c: PlanContext,
): Promise<DatabaseFinding | null> {
  if (!table) return null;
  const rows = node.estimatedRows ?? (await c.rows(table));
  if (rows === null || rows < c.seqScanRows) return null;
  const first = node.sortColumns[0] as string;
  const indexed = (await c.indexes(table)).some((cols) => cols[0] === first);
  if (indexed) return null;
  return at(c, {
    kind: 'sort-without-index',
    severity: 'warning',
    message: `${where(c)} sorts about ${rows} rows of ${table} by ${node.sortColumns.join(', ')} without an index`,
    table,
    columns: node.sortColumns,
    suggestion: createIndex(c.dialect, table, node.sortColumns),
  });
}

function misestimated(node: PlanNode, c: PlanContext): DatabaseFinding | null {
  const { estimatedRows: est, actualRows: act } = node;
  if (est === undefined || act === undefined) return null;
  const [low, high] = [Math.max(1, Math.min(est, act)), Math.max(est, act)];
  if (high < MISESTIMATE_MIN_ROWS || high / low < MISESTIMATE_FACTOR) return null;
  return at(c, {
    kind: 'misestimate',
    severity: 'warning',
    message: `${where(c)}: ${node.op}${node.table ? ` on ${node.table}` : ''} estimated ${est} rows, got ${act}; run ANALYZE or add statistics`,
    ...(node.table ? { table: node.table } : {}),
  });
}

/** N+1: a shape run at least `threshold` times in one step. */
export function findNPlusOne(
  counts: { path: string; step: string; shape: string; count: number }[],
  threshold: number,
): DatabaseFinding[] {
  return counts
    .filter((s) => s.count >= threshold)
    .map((s) => ({
      kind: 'n-plus-one' as const,
      severity: 'error' as const,
      message: `step "${s.step}" of "${s.path}" ran the same statement ${s.count} times (N+1): ${shortShape(s.shape, 100)}`,
      path: s.path,
      step: s.step,
      statement: s.shape,
      count: s.count,
      suggestion:
        'load the related rows in one query (a join, selectinload/joinedload) instead of one per row',
    }));
}

/** The CREATE INDEX statement that would serve these columns. */
export function createIndex(dialect: Dialect, table: string, columns: string[]): string {
  const name = `ix_${table}_${columns.join('_')}`.slice(0, 63);
  const how = dialect === 'postgresql' ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX';
  return `${how} ${name} ON ${table} (${columns.join(', ')});`;
}

function where(c: PlanContext): string {
  return `step "${c.step}" of "${c.path}"`;
}

function at(c: PlanContext, f: Omit<DatabaseFinding, 'path' | 'step' | 'statement'>): DatabaseFinding {
  return { ...f, path: c.path, step: c.step, statement: c.shape };
}
