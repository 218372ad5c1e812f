/**
 * SQLite through better-sqlite3 (read-only): row counts, index columns, and
 * `EXPLAIN QUERY PLAN` of a captured statement with its parameters. SQLite's plan does
 * not name the filter columns of a scan, so they are read from the statement itself.
 */
import Database from 'better-sqlite3';
import type { DatabaseClient, ExplainedPlan, PlanNode } from './client.js';

/** Open a SQLite file read-only. */
export function openSqlite(file: string): DatabaseClient {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 30_000 });
  const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
  return {
    dialect: 'sqlite',
    rowCount: async (table) => {
      const found = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (!found) return null;
      const row = db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number };
      return row.n;
    },
    indexes: async (table) => {
      const list = db.prepare(`PRAGMA index_list(${quote(table)})`).all() as { name: string }[];
      // An INTEGER PRIMARY KEY is the rowid: indexed, though index_list does not show it.
      const columns = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as {
        name: string;
        pk: number;
      }[];
      const pk = columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const listed = list.map((index) =>
        (db.prepare(`PRAGMA index_info(${quote(index.name)})`).all() as { seqno: number; name: string }[])
          .sort((a, b) => a.seqno - b.seqno)
          .map((c) => c.name),
      );
      return pk.length > 0 ? [pk, ...listed] : listed;
    },
    explain: async (sql, params) => explain(db, sql, params),
    close: async () => {
      db.close();
    },
  };
}

function explain(db: Database.Database, sql: string, params: unknown): ExplainedPlan {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bindable(params)) as {
    id: number;
    parent: number;
    detail: string;
  }[];
  const depth = new Map<number, number>([[0, -1]]);
  const out: ExplainedPlan = { nodes: [], text: [] };
  for (const row of rows) {
    const level = (depth.get(row.parent) ?? -1) + 1;
    depth.set(row.id, level);
    out.nodes.push(toNode(row.detail, sql));
    out.text.push(`${'  '.repeat(level)}${row.detail}`);
  }
  return out;
}

function toNode(detail: string, sql: string): PlanNode {
  const node: PlanNode = { op: detail.split(' ')[0] ?? detail, filterColumns: [], sortColumns: [] };
  const scan = /^(SCAN|SEARCH) (\w+)(?: AS \w+)?( USING .*)?$/.exec(detail);
  if (scan) {
    const table = scan[2] as string;
    node.table = table;
    node.scan = scan[1] === 'SCAN' && !scan[3] ? 'full' : 'index';
    if (node.scan === 'full') node.filterColumns = whereColumns(sql, table);
  }
  if (/^USE TEMP B-TREE FOR (ORDER BY|GROUP BY)/.test(detail)) {
    node.op = 'Sort';
    node.sortColumns = orderColumns(sql);
  }
  return node;
}

/** Columns of `table` compared in the statement's WHERE clause (SQLAlchemy qualifies them). */
function whereColumns(sql: string, table: string): string[] {
  const where = /\bWHERE\b([\s\S]*?)(?:\bGROUP BY\b|\bORDER BY\b|\bLIMIT\b|$)/i.exec(sql)?.[1] ?? '';
  const compare = new RegExp(
    `"?${table}"?\\."?(\\w+)"?\\s*(?:=|<>|!=|<=|>=|<|>|\\bLIKE\\b|\\bIN\\b|\\bIS\\b)`,
    'gi',
  );
  return [...new Set([...where.matchAll(compare)].map((m) => (m[1] as string).toLowerCase()))];
}

function orderColumns(sql: string): string[] {
  const order = /\bORDER BY\b([\s\S]*?)(?:\bLIMIT\b|\bOFFSET\b|$)/i.exec(sql)?.[1] ?? '';
  return order
    .split(',')
    .map((key) =>
      key
        .trim()
        .replace(/\s+(ASC|DESC)$/i, '')
        .replace(/^.*\./, '')
        .replace(/"/g, ''),
    )
    .filter(Boolean);
}

/** better-sqlite3 takes positional values as arguments and named ones as one object. */
function bindable(params: unknown): unknown[] {
  const fix = (v: unknown): unknown => (typeof v === 'boolean' ? Number(v) : v);
  if (Array.isArray(params)) return params.map(fix);
  if (params && typeof params === 'object')
    return [Object.fromEntries(Object.entries(params).map(([k, v]) => [k, fix(v)]))];
  return [];
}
