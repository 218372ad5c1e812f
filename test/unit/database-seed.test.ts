/**
 * database.seed's guard (src/checks/database/seed.ts): the scratch URL replaces the service's
 * wherever it stood, and any variable that still names the service's database (its URL in
 * another driver form, its SQLite file, its name under POSTGRES_DB and the like) is caught
 * before the seed can write there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesServiceDatabase, pointAtScratch } from '../../src/checks/database/seed.js';

const SERVICE = 'postgresql://app:pw@127.0.0.1:5432/shop';
const SCRATCH = 'postgresql://app:pw@127.0.0.1:5432/preflight_seed_0a1b2c3d4e';

describe('pointAtScratch', () => {
  it('replaces every value that is the service URL, and names the scratch in DATABASE_URL and PREFLIGHT_DATABASE_URL', () => {
    const env = pointAtScratch({ DATABASE_URL: SERVICE, SHOP_DB: SERVICE, LOG: 'INFO' }, SERVICE, SCRATCH);
    assert.deepEqual(env, {
      DATABASE_URL: SCRATCH,
      SHOP_DB: SCRATCH,
      LOG: 'INFO',
      PREFLIGHT_DATABASE_URL: SCRATCH,
    });
  });
});

describe('namesServiceDatabase', () => {
  it('finds the database name under database-looking keys (an env.py built from POSTGRES_*)', () => {
    const env = {
      POSTGRES_SERVER: '127.0.0.1',
      POSTGRES_DB: 'shop',
      POSTGRES_USER: 'app',
      DATABASE_URL: SCRATCH,
    };
    assert.deepEqual(namesServiceDatabase(env, SERVICE, SCRATCH), ['POSTGRES_DB=shop']);
  });

  it('finds the URL in another driver form or host spelling, and inside longer values', () => {
    const env = {
      SQLALCHEMY_URI: 'postgresql+psycopg://app:pw@localhost:5432/shop',
      CELERY_RESULT_BACKEND: `db+${SERVICE}`,
      OTHER_DB: 'postgresql://app:pw@127.0.0.1:5432/analytics',
    };
    assert.deepEqual(namesServiceDatabase(env, SERVICE, SCRATCH), [
      'SQLALCHEMY_URI=postgresql+psycopg://app:pw@localhost:5432/shop',
      `CELERY_RESULT_BACKEND=db+${SERVICE}`,
    ]);
  });

  it('leaves alone the same word under other keys, the scratch URL, and a mapped name', () => {
    const env = {
      SHOP_NAME: 'shop',
      USER: 'shop',
      DATABASE_URL: SCRATCH,
      POSTGRES_DB: 'preflight_seed_0a1b2c3d4e',
    };
    assert.deepEqual(namesServiceDatabase(env, SERVICE, SCRATCH), []);
  });

  it('SQLite: any variable holding the service file', () => {
    const service = 'sqlite:////srv/shop/data/shop.db';
    const scratch = 'sqlite:////srv/shop/.preflight/runs/r/database/seed-scratch-1.db';
    const env = { DATABASE_URL: scratch, BACKUP_OF: '/srv/shop/data/shop.db', LOG: 'x' };
    assert.deepEqual(namesServiceDatabase(env, service, scratch), ['BACKUP_OF=/srv/shop/data/shop.db']);
  });
});
