/**
 * PostgreSQL through `pg`: row counts, index columns, and `EXPLAIN (FORMAT JSON)` of a
 * captured statement with its parameters (ANALYZE inside a transaction that is rolled back).
 */
import pg from 'pg';
import { type DatabaseClient, type ExplainedPlan, type PlanNode, toNumbered } from './client.js';

const INDEX_COLUMNS = `
  SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns
  FROM pg_index i
  JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = to_regclass($1)
  GROUP BY i.indexrelid`;

/** Connect to PostgreSQL (throws the driver's error when it cannot). */
export async function openPostgres(url: string): Promise<DatabaseClient> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  // A review must not hang on a lock the service holds.
  await client.query("SET statement_timeout = '30s'");
  return {
    dialect: 'postgresql',
    rowCount: async (table) => {
      const exists = await client.query('SELECT to_regclass($1) AS oid', [quoteIdent(table)]);
      if (exists.rows[0]?.oid === null) return null;
      const res = await client.query(`SELECT count(*)::bigint AS n FROM ${quoteIdent(table)}`);
      return Number(res.rows[0]?.n ?? 0);
    },
    indexes: async (table) => {
      const res = await client.query<{ columns: string[] }>(INDEX_COLUMNS, [quoteIdent(table)]);
      return res.rows.map((r) => r.columns);
    },
    explain: (sql, params, analyze) => explain(client, sql, params, analyze),
    close: () => client.end(),
  };
}

async function explain(
  client: pg.Client,
  sql: string,
  params: unknown,
  analyze: boolean,
): Promise<ExplainedPlan> {
  const { text, values } = toNumbered(sql, params);
  const options = analyze ? 'FORMAT JSON, ANALYZE, BUFFERS' : 'FORMAT JSON';
  // ANALYZE runs the statement: never let it change anything.
  if (analyze) await client.query('BEGIN');
  try {
    const res = await client.query(`EXPLAIN (${options}) ${text}`, values);
    const doc = res.rows[0]?.['QUERY PLAN'] as { Plan: PgNode }[] | undefined;
    const root = doc?.[0]?.Plan;
    if (!root) return { nodes: [], text: [] };
    const out: ExplainedPlan = { nodes: [], text: [] };
    walk(root, 0, out);
    return out;
  } finally {
    if (analyze) await client.query('ROLLBACK');
  }
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  'Join Filter'?: string;
  'Hash Cond'?: string;
  'Sort Key'?: string[];
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Sort Space Type'?: string;
  Plans?: PgNode[];
}

function walk(node: PgNode, depth: number, out: ExplainedPlan, inJoin = false): void {
  const type = node['Node Type'];
  const plan: PlanNode = {
    op: type,
    filterColumns: columnsIn([node.Filter, node['Join Filter']]),
    sortColumns: (node['Sort Key'] ?? []).map(sortColumn),
  };
  if (node['Relation Name']) plan.table = node['Relation Name'];
  if (type === 'Seq Scan') plan.scan = 'full';
  else if (/Index|Bitmap Heap/.test(type)) plan.scan = 'index';
  if (node['Plan Rows'] !== undefined) plan.estimatedRows = node['Plan Rows'];
  if (node['Actual Rows'] !== undefined) plan.actualRows = node['Actual Rows'] * (node['Actual Loops'] ?? 1);
  if (node['Sort Space Type'] === 'Disk') plan.spilled = true;
  if (inJoin) plan.inJoin = true;
  out.nodes.push(plan);
  out.text.push(`${'  '.repeat(depth)}${label(node, plan)}`);
  const join = inJoin || /Join|Nested Loop/.test(type);
  for (const child of node.Plans ?? []) walk(child, depth + 1, out, join);
}

function label(node: PgNode, plan: PlanNode): string {
  const parts = [node['Node Type']];
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (plan.table) parts.push(`on ${plan.table}`);
  const rows = [`rows=${plan.estimatedRows ?? '?'}`];
  if (plan.actualRows !== undefined) rows.push(`actual=${plan.actualRows}`);
  const filter = node.Filter ? ` filter: ${node.Filter}` : '';
  const sort = node['Sort Key'] ? ` by ${node['Sort Key'].join(', ')}` : '';
  return `${parts.join(' ')} (${rows.join(' ')})${filter}${sort}${plan.spilled ? ' [spilled to disk]' : ''}`;
}

/** Column names compared in a PostgreSQL filter expression, e.g. `((note)::text = $1)`. */
export function columnsIn(exprs: (string | undefined)[]): string[] {
  const found = new Set<string>();
  const compare =
    /\(*\b(?:\w+\.)?"?([a-z_][a-z0-9_]*)"?\)*(?:::[a-z ]+(?:\[\])?\)*)?\s*(?:=|<>|!=|<=|>=|<|>|~~\*?|!~~\*?|IS\b)/gi;
  for (const expr of exprs) {
    if (!expr) continue;
    for (const m of expr.replace(/'(?:[^']|'')*'/g, "''").matchAll(compare)) {
      const name = (m[1] as string).toLowerCase();
      if (!/^(and|or|not|null|true|false|any|all)$/.test(name)) found.add(name);
    }
  }
  return [...found];
}

function sortColumn(key: string): string {
  return key
    .replace(/\s+(ASC|DESC)(\s+NULLS\s+(FIRST|LAST))?$/i, '')
    .replace(/^.*\./, '')
    .replace(/"/g, '');
}

function quoteIdent(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}
