/**
 * The database the review talks to, PostgreSQL (through `pg`) or SQLite (through
 * better-sqlite3), behind one small interface; plans come back as dialect-free nodes.
 */
import path from 'node:path';

/** One node of a query plan, in the terms the findings need. */
export interface PlanNode {
  /** `Seq Scan`, `Index Scan`, `Sort`, or SQLite's `SCAN`, `SEARCH`, `USE TEMP B-TREE`. */
  op: string;
  /** `full` for a scan of every row, `index` for a scan through an index. */
  scan?: 'full' | 'index';
  table?: string;
  /** Columns the node filters or joins on (without an index doing it). */
  filterColumns: string[];
  /** Columns a sort node sorts by. */
  sortColumns: string[];
  estimatedRows?: number;
  actualRows?: number;
  /** A sort that spilled to disk (ANALYZE only). */
  spilled?: boolean;
  /** An input of a join: an unfiltered scan here is judged by the join, not on its own. */
  inJoin?: boolean;
}

/** A statement's plan: nodes for the findings, text lines for people. */
export interface ExplainedPlan {
  nodes: PlanNode[];
  text: string[];
}

/** The databases the review can read plans from. */
export type Dialect = 'postgresql' | 'sqlite';

/** What the review asks of a database. */
export interface DatabaseClient {
  dialect: Dialect;
  /** Rows in a table, or null when there is no such table. */
  rowCount(table: string): Promise<number | null>;
  /** The column lists of the table's indexes. */
  indexes(table: string): Promise<string[][]>;
  /** The plan of a statement run with the captured parameters. */
  explain(sql: string, params: unknown, analyze: boolean): Promise<ExplainedPlan>;
  close(): Promise<void>;
}

/** `database.url` names a database preflight cannot open (in-memory, unknown scheme). */
export class DatabaseUrlError extends Error {
  readonly code = 'DATABASE_URL_UNSUPPORTED';
}

/** Open a client for a SQLAlchemy-style URL; relative SQLite paths are relative to `cwd`. */
export async function openDatabase(url: string, cwd: string): Promise<DatabaseClient> {
  const scheme = /^([a-z0-9]+)(?:\+[a-z0-9_]+)?:/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgresql' || scheme === 'postgres') {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(url.replace(/^[a-z0-9]+\+[a-z0-9_]+:/i, 'postgresql:'));
  }
  if (scheme === 'sqlite') {
    const file = url.replace(/^sqlite(?:\+\w+)?:\/\/\//i, '').replace(/\?.*$/, '');
    if (!file || file === ':memory:')
      throw new DatabaseUrlError(
        `database.url ${url} is an in-memory SQLite database; preflight cannot open it`,
      );
    const { openSqlite } = await import('./sqlite.js');
    return openSqlite(path.resolve(cwd, file));
  }
  throw new DatabaseUrlError(
    `database.url must start with postgresql:// or sqlite:///, got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`,
  );
}

/** Placeholders of `%(name)s`, `%s`, `?` or `:name` style as `$1…`, and the values in that order. */
export function toNumbered(sql: string, params: unknown): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    const named = params as Record<string, unknown>;
    const slots = new Map<string, number>();
    const slot = (name: string): string => {
      if (!slots.has(name)) {
        values.push(named[name]);
        slots.set(name, values.length);
      }
      return `$${slots.get(name)}`;
    };
    const text = sql.replace(/%\((\w+)\)s|(?<!:):(\w+)/g, (m, a?: string, b?: string) => {
      const name = a ?? b ?? '';
      return name in named ? slot(name) : m;
    });
    return { text: text.replaceAll('%%', '%'), values };
  }
  const list = Array.isArray(params) ? params : [];
  let i = 0;
  const text = sql.replace(/%s|\?/g, () => {
    values.push(list[i]);
    i += 1;
    return `$${i}`;
  });
  return { text: text.replaceAll('%%', '%'), values };
}
