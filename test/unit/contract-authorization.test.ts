/**
 * The contract check's rule for operations that never got past authorization: anonymous, what
 * the document secures and what answered only 401/403 among the secured; a login's 401 to
 * made-up credentials is not counted; run as a user, missing_auth is a warning only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { notPastAuthorization } from '../../src/checks/contract/check.js';

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
