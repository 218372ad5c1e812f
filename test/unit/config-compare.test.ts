import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareConfigs } from '../../src/checks/config/compare.js';
import { dangerReason, isSecretKey, placeholderReason, urlPassword } from '../../src/checks/config/rules.js';
import { ConfigSourceError, type ConfigValues, parseSettings } from '../../src/checks/config/sources.js';

function side(label: string, values: Record<string, string>): ConfigValues {
  const keys = Object.keys(values);
  return { label, values: new Map(Object.entries(values)), lines: new Map(keys.map((k, i) => [k, i + 1])) };
}

const none = { expectedDifferences: [], secretKeys: [] };

describe('compareConfigs', () => {
  it('names a key production sets and staging lacks, with the production file and line', () => {
    const { findings } = compareConfigs(
      side('staging.env', { LOG_LEVEL: 'INFO' }),
      side('production.env', { LOG_LEVEL: 'INFO', PAYMENTS_URL: 'https://pay.shop.test' }),
      none,
    );
    assert.equal(findings.length, 1);
    const [missing] = findings;
    assert.equal(missing?.rule, 'config-missing');
    assert.equal(missing?.severity, 'error');
    assert.match(missing?.message ?? '', /staging lacks PAYMENTS_URL/);
    assert.equal(missing?.file, 'production.env');
    assert.equal(missing?.line, 2);
  });

  it('reports extra keys and values that differ, but not expected differences', () => {
    const { findings } = compareConfigs(
      side('s', { LOG_LEVEL: 'DEBUG', DATABASE_URL: 'sqlite:///x.db', FEATURE_X: 'on' }),
      side('p', { LOG_LEVEL: 'INFO', DATABASE_URL: 'postgresql://db/shop' }),
      { expectedDifferences: ['DATABASE_URL'], secretKeys: [] },
    );
    assert.deepEqual(findings.map((f) => f.rule).sort(), ['config-differs', 'config-extra']);
    const differs = findings.find((f) => f.rule === 'config-differs');
    assert.match(differs?.message ?? '', /LOG_LEVEL differs: staging "DEBUG", production "INFO"/);
    assert.match(
      findings.find((f) => f.rule === 'config-extra')?.message ?? '',
      /production lacks FEATURE_X/,
    );
  });

  it('finds a secret shared by staging and production without putting its value anywhere', () => {
    const secret = 'b3f1c9e2d8a74f6e9c0d1a2b3c4d5e6f';
    const result = compareConfigs(
      side('s', { SHOP_SECRET_KEY: secret, STRIPE_API_KEY: 'sk_test_1234567890' }),
      side('p', { SHOP_SECRET_KEY: secret, STRIPE_API_KEY: 'sk_live_0987654321' }),
      none,
    );
    assert.deepEqual(
      result.findings.map((f) => f.rule),
      ['config-shared-secret'],
      'different secrets are expected to differ',
    );
    assert.match(
      result.findings[0]?.message ?? '',
      /SHOP_SECRET_KEY has the same value on staging and production/,
    );
    assert.ok(!JSON.stringify(result.findings).includes(secret));
    assert.ok(!JSON.stringify(result.findings).includes('sk_live'));
    assert.ok(
      result.secrets.includes(secret) && result.secrets.includes('sk_live_0987654321'),
      'to be redacted',
    );
  });

  it('treats keys listed in secret_keys as secrets, and masks passwords inside URLs', () => {
    const result = compareConfigs(
      side('s', { SIGNING: 'same-value-1234', DATABASE_URL: 'postgresql://shop:hunter2hunter@db/shop' }),
      side('p', { SIGNING: 'same-value-1234', DATABASE_URL: 'postgresql://shop:other-pass@db/shop' }),
      { expectedDifferences: [], secretKeys: ['SIGNING'] },
    );
    assert.deepEqual(result.findings.map((f) => f.rule).sort(), ['config-differs', 'config-shared-secret']);
    const text = JSON.stringify(result.findings);
    assert.ok(!text.includes('same-value-1234'));
    assert.ok(!text.includes('hunter2hunter') && !text.includes('other-pass'));
    assert.ok(text.includes('postgresql://shop:[redacted]@db/shop'));
    assert.ok(result.secrets.includes('hunter2hunter'));
  });

  it('flags placeholders on both sides and dangerous settings (errors in production, warnings on staging)', () => {
    const { findings } = compareConfigs(
      side('s', { DEBUG: 'true', PUBLIC_URL: 'https://example.com', API_TOKEN: '' }),
      side('p', { DEBUG: 'true', PUBLIC_URL: 'https://example.com', API_TOKEN: 'changeme' }),
      { expectedDifferences: ['API_TOKEN'], secretKeys: [] },
    );
    const messages = findings.map((f) => `${f.severity} ${f.rule} ${f.message}`);
    assert.ok(
      messages.includes(
        'error config-placeholder PUBLIC_URL on staging contains the placeholder "example.com" ("https://example.com")',
      ),
    );
    assert.ok(messages.includes('error config-placeholder API_TOKEN on staging is empty'));
    assert.ok(
      messages.includes(
        'error config-placeholder API_TOKEN on production contains the placeholder "changeme"',
      ),
    );
    assert.ok(messages.includes('warning config-dangerous DEBUG is on (debug mode) on staging'));
    assert.ok(messages.includes('error config-dangerous DEBUG is on (debug mode) on production'));
  });
});

describe('config rules', () => {
  it('tells secret keys by their words', () => {
    for (const key of [
      'SHOP_SECRET_KEY',
      'STRIPE_API_KEY',
      'DB_PASSWORD',
      'GITHUB_TOKEN',
      'SENTRY_DSN',
      'AWS_SECRET_ACCESS_KEY',
    ])
      assert.ok(isSecretKey(key, new Set()), key);
    for (const key of ['SHOP_TOKEN_TTL_SECONDS', 'LOG_LEVEL', 'DATABASE_URL', 'KEYBOARD_LAYOUT'])
      assert.ok(!isSecretKey(key, new Set()), key);
  });

  it('knows placeholders and dangerous settings', () => {
    assert.equal(placeholderReason('TODO: set me'), 'contains the placeholder "TODO"');
    assert.equal(placeholderReason('<your key>'), 'is a placeholder');
    assert.equal(placeholderReason('https://shop.test'), null);
    assert.equal(
      dangerReason('CORS_ALLOWED_ORIGINS', 'https://a.test, *', false),
      'CORS_ALLOWED_ORIGINS allows any origin (*)',
    );
    assert.equal(dangerReason('ALLOWED_HOSTS', '*', false), 'ALLOWED_HOSTS allows any host (*)');
    assert.equal(dangerReason('DJANGO_DEBUG', '1', false), 'DJANGO_DEBUG is on (debug mode)');
    assert.equal(dangerReason('DEBUG', 'false', false), null);
    assert.equal(
      dangerReason('SECRET_KEY', 'django-insecure-abc', true),
      'SECRET_KEY is a well-known default secret',
    );
    assert.equal(urlPassword('redis://:pw12345@cache:6379/0'), 'pw12345');
  });

  it('parses the settings a command prints, as JSON or dotenv', () => {
    assert.deepEqual(
      [...parseSettings('{"DEBUG": false, "HOSTS": ["a"], "X": null}', 'cmd')],
      [
        ['DEBUG', 'false'],
        ['HOSTS', '["a"]'],
        ['X', ''],
      ],
    );
    assert.deepEqual(
      [...parseSettings('A=1\n# c\nB="two words"\n', 'cmd')],
      [
        ['A', '1'],
        ['B', 'two words'],
      ],
    );
    assert.throws(() => parseSettings('{ nope', 'cmd'), ConfigSourceError);
  });
});
