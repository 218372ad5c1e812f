import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { registerPlanSecrets } from '../../src/secrets/register.js';
import { maskUrlCredentials, urlCredentials } from '../../src/secrets/url.js';

test('urlCredentials takes the password or a lone token of every URL, as written and decoded', () => {
  assert.deepEqual(urlCredentials('postgresql://app:s3cr%40t@db:5432/app'), ['s3cr%40t', 's3cr@t']);
  // A GitHub token is 40 characters: longer than any user name (at most 32).
  const token = `ghp_${'a1B2c3D4e5'.repeat(3)}xyz123`;
  assert.deepEqual(urlCredentials(`see https://${token}@github.com/x and redis://:pw-1234@cache`), [
    token,
    'pw-1234',
  ]);
  // A plain user name alone is not a secret; text without a URL has none.
  assert.deepEqual(urlCredentials('https://alice@example.com/'), []);
  assert.deepEqual(urlCredentials('mail alice@example.com'), []);
  assert.deepEqual(urlCredentials('/items/{{ id }}'), []);
});

test('a URL password anywhere in a plan is registered and masked, among many strings without one', () => {
  const paths = Array.from({ length: 50 }, (_, i) => ({
    name: `p${i}`,
    steps: [{ name: 's', request: { url: `/items/${i}`, headers: { Authorization: 'Bearer {{ token }}' } } }],
  }));
  const plan = {
    service: { env: { DATABASE_URL: 'postgresql://app:pw-in-plan-77@127.0.0.1/app' } },
    critical_paths: paths,
  };
  const redactor = new Redactor();
  const added = registerPlanSecrets(
    plan,
    { env: {}, secret: () => undefined, run: { id: 'r', dir: '/tmp' } },
    redactor,
  );
  assert.ok(added >= 1);
  assert.ok(redactor.has('pw-in-plan-77'));
  assert.equal(redactor.redact('log: pw-in-plan-77'), 'log: [redacted]');
  assert.equal(
    maskUrlCredentials('postgresql://app:pw-in-plan-77@db/app'),
    'postgresql://app:[redacted]@db/app',
  );
});
