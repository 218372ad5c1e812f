/**
 * A scratch PostgreSQL database next to the plan's (same server and credentials), created and
 * dropped through the server's `postgres` database: the seed and the downgrade rehearsal both
 * use one, each saying in its own words what went wrong.
 */
import { randomBytes } from 'node:crypto';

/** What failed, for the caller's error: the statement's verb ("create", "drop") and host:port. */
export interface ScratchFailure {
  verb: string;
  where: string;
  cause: unknown;
}

/** A scratch PostgreSQL database: its URL, and how to drop it. */
export interface PostgresScratch {
  url: string;
  /** The database's name (no credentials). */
  name: string;
  drop: () => Promise<void>;
}

/** Create a database named `prefix` + random hex; `fail` makes the error thrown when that (or the drop) fails. */
export async function createPostgresScratch(
  url: string,
  prefix: string,
  fail: (failure: ScratchFailure) => Error,
): Promise<PostgresScratch> {
  const name = `${prefix}${randomBytes(5).toString('hex')}`;
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  await admin(url, `CREATE DATABASE ${name}`, fail);
  return {
    url: scratch.toString(),
    name,
    drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, fail),
  };
}

/** One statement on the server's `postgres` database, with the URL's credentials. */
async function admin(url: string, sql: string, fail: (failure: ScratchFailure) => Error): Promise<void> {
  const target = new URL(url.replace(/^postgres(ql)?\+\w+:/i, 'postgresql:'));
  target.pathname = '/postgres';
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    const verb = sql.split(' ')[0]?.toLowerCase() ?? '';
    throw fail({ verb, where: `${target.hostname}:${target.port || 5432}`, cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}
