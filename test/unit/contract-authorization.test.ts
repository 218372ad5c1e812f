/**
 * The contract check's rule for operations that never got past authorization: anonymous, what
 * the document secures and what answered only 401/403 among the secured; a login's 401 to
 * made-up credentials is not counted; run as a user, missing_auth is a warning only.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { notPastAuthorization, readOperationTotals } from '../../src/checks/contract/check.js';

describe('contract: not past authorization', () => {
  test('anonymous: every secured operation, and missing_auth only among the secured (not the login)', () => {
    const seen = notPastAuthorization({
      anonymous: true,
      secured: ['GET /me', 'POST /cart/items'],
      missingAuth: ['POST /auth/login', 'GET /me'],
    });
    assert.deepEqual(seen.refused, ['GET /me', 'POST /cart/items']);
    assert.deepEqual(seen.unauthorized, ['GET /me', 'POST /cart/items']);
    assert.deepEqual(seen.mostlyRefused, []);
  });

  test('anonymous, a document that declares no security: every missing_auth operation counts', () => {
    const seen = notPastAuthorization({ anonymous: true, secured: null, missingAuth: ['GET /orders'] });
    assert.deepEqual(seen.refused, ['GET /orders']);
    assert.deepEqual(seen.unauthorized, []);
  });

  test('as a user: nothing is refused; missing_auth among the secured is a warning', () => {
    const seen = notPastAuthorization({
      anonymous: false,
      secured: ['GET /users/', 'GET /me'],
      missingAuth: ['GET /users/', 'POST /login/access-token'],
    });
    assert.deepEqual(seen.refused, []);
    assert.deepEqual(seen.mostlyRefused, ['GET /users/']);
  });
});

describe("contract: Schemathesis' JSON run report", () => {
  test('operations, and the warnings that say cases stayed shallow', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-st-report-'));
    try {
      const file = path.join(dir, 'contract.json');
      // The shape Schemathesis 4 writes: every warning kind present, a list of operation labels.
      await writeFile(
        file,
        JSON.stringify({
          operations: { selected: 5, tested: 4 },
          warnings: {
            missing_auth: ['GET /users/'],
            missing_test_data: ['GET /items/{id}'],
            validation_mismatch: ['POST /items/'],
            base_url_mismatch: [],
          },
        }),
      );
      assert.deepEqual(await readOperationTotals(file), {
        selected: 5,
        tested: 4,
        refused: ['GET /users/'],
        shallow: { noData: ['GET /items/{id}'], rejected: ['POST /items/'] },
      });
      await writeFile(file, JSON.stringify({ operations: {} }));
      assert.equal(await readOperationTotals(file), null, 'an older report without totals');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
