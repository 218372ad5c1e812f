/**
 * The history store on the real PostgreSQL (127.0.0.1:5432): the store contract, each test
 * in a database of its own, created and dropped here.
 */
import { describe } from 'node:test';
import { openPostgresDb, openPostgresStore } from '../../src/store/postgres.js';
import { createTestDatabase } from '../support/postgres.js';
import { storeContract } from '../support/store-contract.js';

describe('history store: PostgreSQL', () => {
  storeContract('postgres', async () => {
    const db = await createTestDatabase();
    return {
      location: db.url,
      open: () => openPostgresStore(db.url),
      openDb: () => openPostgresDb(db.url),
      cleanup: () => db.drop(),
    };
  });
});
