/**
 * The variables the scratch-proof refusal lists as ones "that may name another database": the
 * database settings of the environment, not the DSNs and `_DB` settings of services that are
 * no SQL database (an error tracker, a broker, a cache, a search engine).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { databaseVariables } from '../../src/checks/scratch-proof.js';

describe('scratch proof: variables that may name another database', () => {
  test('database settings are listed; Sentry, broker, cache and search DSNs are not', () => {
    const env = {
      POSTGRES_SERVER: 'db',
      POSTGRES_DB: 'app',
      PGHOST: 'db',
      DATABASE_URL: 'postgresql://db/app',
      APP_DB: 'app',
      ANALYTICS_DSN: 'postgresql://warehouse/analytics',
      SENTRY_DSN: 'https://key@o1.ingest.sentry.io/1',
      GLITCHTIP_DSN: 'https://key@glitchtip.example/1',
      REDIS_DB: '0',
      REDIS_DSN: 'redis://cache:6379/0',
      CELERY_BROKER_DSN: 'amqp://broker//',
      AMQP_DSN: 'amqp://broker//',
      ELASTICSEARCH_DSN: 'http://search:9200',
      HOME: '/root',
      UNSET_DB: undefined,
    };
    assert.deepEqual(databaseVariables(env), [
      'ANALYTICS_DSN',
      'APP_DB',
      'DATABASE_URL',
      'PGHOST',
      'POSTGRES_DB',
      'POSTGRES_SERVER',
    ]);
  });
});
