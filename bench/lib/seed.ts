/**
 * Realistic data: the example's seed script (`database.seed` of its plan) filling a fresh
 * database to the plan's volumes (100,000 orders, 10,000 products, 1,000 users), on SQLite (the
 * demo's) and on PostgreSQL when one answers on 127.0.0.1:5432. The median of the rounds.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context.js';
import { measureCommand, median } from './measure.js';
import { errorRows, type Row, target } from './table.js';

const SEED = '.venv/bin/python scripts/seed.py --users 1000 --products 10000 --orders 100000';
const LIMIT_S = 10;

/** The seed rows: wall time to 100k orders, per database. */
export async function benchSeed(ctx: BenchContext): Promise<Row[]> {
  const shop = join(ctx.root, 'examples', 'shop');
  const rows: Row[] = [];
  const sqliteLabel = 'seed 100k orders (examples/shop, SQLite)';
  try {
    const walls: number[] = [];
    for (let round = 0; round < ctx.options.rounds; round++) {
      const file = join(ctx.tmp, `seed-${round}.db`);
      const m = await measureCommand(SEED, {
        cwd: shop,
        tmp: ctx.tmp,
        env: { ...process.env, DATABASE_URL: `sqlite:///${file}` },
        timeoutMs: 120_000,
      });
      walls.push(m.wallMs / 1000);
      rmSync(file, { force: true });
    }
    rows.push(secondsRow(sqliteLabel, median(walls)));
  } catch (error) {
    rows.push(...errorRows([sqliteLabel], error));
  }
  rows.push(...(await seedPostgres(ctx, shop)));
  return rows;
}

async function seedPostgres(ctx: BenchContext, shop: string): Promise<Row[]> {
  const label = 'seed 100k orders (examples/shop, PostgreSQL)';
  let pg: typeof import('pg').default;
  try {
    pg = (await import('pg')).default;
  } catch (error) {
    return errorRows([label], error);
  }
  const admin = new pg.Client({
    connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await admin.connect();
  } catch {
    ctx.log('no PostgreSQL on 127.0.0.1:5432: the PostgreSQL seed row is not measured');
    return [];
  }
  try {
    const walls: number[] = [];
    for (let round = 0; round < ctx.options.rounds; round++) {
      const name = `preflight_bench_seed_${process.pid}_${round}`;
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const m = await measureCommand(SEED, {
          cwd: shop,
          tmp: ctx.tmp,
          env: { ...process.env, DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${name}` },
          timeoutMs: 120_000,
        });
        walls.push(m.wallMs / 1000);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
    return [secondsRow(label, median(walls))];
  } catch (error) {
    return errorRows([label], error);
  } finally {
    await admin.end().catch(() => {});
  }
}

function secondsRow(label: string, seconds: number): Row {
  return {
    label,
    unit: 's',
    values: { preflight: seconds },
    target: target(seconds, '<=', LIMIT_S, `≤ ${LIMIT_S} s`),
  };
}
