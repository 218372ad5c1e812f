/**
 * The small SQL surface the store needs, so that one implementation of the store serves
 * SQLite and PostgreSQL alike. SQL is written with `?` placeholders; the PostgreSQL
 * adapter numbers them.
 */

/** A value bound to a placeholder (bytes: SQLite BLOB, PostgreSQL BYTEA). */
export type SqlParam = string | number | Uint8Array | null;

/** A connection (or a pool) that runs SQL. */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a query. */
  all<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
  /** A statement without rows. */
  run(sql: string, params?: SqlParam[]): Promise<void>;
  /**
   * `fn` inside one write transaction: committed when it resolves, rolled back when it throws.
   * SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so concurrent writers queue.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` placeholders numbered `$1`, `$2`, … (PostgreSQL). The store's SQL has no `?` in literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A promise chain that runs one task at a time (a transaction must not interleave with another). */
export function createMutex(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = tail.then(task, task);
    tail = next.catch(() => {});
    return next;
  };
}
