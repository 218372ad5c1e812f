/**
 * A fresh PostgreSQL database per test, on the local server (127.0.0.1:5432, user postgres,
 * trust auth; `PREFLIGHT_TEST_PG` overrides the admin URL). Dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The admin connection used to create and drop test databases. */
export const PG_ADMIN_URL = process.env.PREFLIGHT_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A created database: its URL and how to drop it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Create an empty database with a random name. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `preflight_test_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
