/**
 * The cache header rules on crafted responses from a local server: each rule fails with a
 * message that names the path, quotes the header and says what to send instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeCache } from '../../src/checks/cache/probe.js';
import type { Finding } from '../../src/checks/result.js';
import { type CacheConfig, CacheSpec } from '../../src/plan/schema.js';
import { emptyScope, useCacheServer } from '../support/cache-server.js';

const cache = useCacheServer();

async function findingsFor(section: Partial<Record<keyof CacheConfig, unknown>>): Promise<Finding[]> {
  const spec = CacheSpec.parse(section);
  const client = cache.client();
  const result = await probeCache({ spec, client, scope: emptyScope(), nonce: 'n0nce' });
  return result.findings;
}

function only(findings: Finding[], rule: string): Finding {
  const matching = findings.filter((f) => f.rule === rule);
  assert.equal(matching.length, 1, `one ${rule} in ${JSON.stringify(findings, null, 2)}`);
  const finding = matching[0] as Finding;
  assert.equal(finding.kind, rule, 'kind repeats the rule');
  return finding;
}

describe('private paths: never storable by a shared cache', () => {
  it('"public" on a personal page', async () => {
    const f = only(await findingsFor({ private: ['/private/public'] }), 'cache-private-storable');
    assert.equal(f.severity, 'error');
    assert.match(
      f.message,
      /^\/private\/public: Cache-Control "public, max-age=60" has neither "private" nor "no-store", says "public"/,
    );
    assert.match(f.message, /send "Cache-Control: private, no-store"/);
  });

  it('no Cache-Control at all', async () => {
    const f = only(await findingsFor({ private: ['/private/none'] }), 'cache-private-storable');
    assert.match(f.message, /^\/private\/none: no Cache-Control header has neither "private" nor "no-store"/);
  });

  it('"s-maxage" even with "private"', async () => {
    const f = only(await findingsFor({ private: ['/private/s-maxage'] }), 'cache-private-storable');
    assert.match(f.message, /gives shared caches a lifetime with "s-maxage"/);
    assert.doesNotMatch(f.message, /neither/);
  });

  it('"private, no-store" passes; without a session the leak probe is reported as not run', async () => {
    const findings = await findingsFor({ private: ['/private/ok'] });
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity]),
      [['cache-leak-not-probed', 'warning']],
    );
    assert.match(findings[0]?.message ?? '', /add cache\.session/);
  });
});

describe('Set-Cookie and Vary', () => {
  it('a cacheable response that sets a cookie', async () => {
    const f = only(await findingsFor({ public: ['/public/cookie'] }), 'cache-set-cookie-cacheable');
    assert.match(f.message, /^\/public\/cookie: the response sets a cookie, yet a shared cache may store it/);
    assert.doesNotMatch(f.message, /abc123/, 'the cookie value is not shown');
  });

  it('a compressed response without "Vary: Accept-Encoding"', async () => {
    const f = only(await findingsFor({ public: ['/public/gzip'] }), 'cache-vary-missing');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /it is compressed \(gzip\), but it has no Vary header/);
    assert.match(f.message, /add "Vary: Accept-Encoding"/);
  });

  it('a response in a language without "Vary: Accept-Language" (a warning)', async () => {
    const f = only(await findingsFor({ public: ['/public/lang'] }), 'cache-vary-missing');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /it is in fr, .*Accept-Language/);
  });
});

describe('public paths: cacheable for at least min_max_age', () => {
  it("max-age below the plan's minimum", async () => {
    const f = only(
      await findingsFor({ public: ['/public/short'], min_max_age: '1m' }),
      'cache-public-not-cacheable',
    );
    assert.match(f.message, /keeps it for 10 s, less than the 60 s the plan asks for/);
    assert.match(f.message, /send "Cache-Control: public, max-age=60" or longer/);
  });

  it('no-store and no-cache', async () => {
    const findings = await findingsFor({ public: ['/public/no-store', '/public/no-cache'] });
    const messages = findings.filter((f) => f.rule === 'cache-public-not-cacheable').map((f) => f.message);
    assert.equal(messages.length, 2);
    assert.match(messages[0] ?? '', /^\/public\/no-store: .*forbids shared caches to store it \(no-store\)/);
    assert.match(messages[1] ?? '', /^\/public\/no-cache: .*every request go to the origin \(no-cache\)/);
  });

  it('a public path that answers 404', async () => {
    const f = only(await findingsFor({ public: ['/nowhere'] }), 'cache-path-status');
    assert.match(f.message, /^\/nowhere: answered 404 through the cache/);
  });

  it('a good public path has no finding', async () => {
    assert.deepEqual(await findingsFor({ public: ['/public/ok'] }), []);
  });
});

describe('static assets: long-lived, immutable when fingerprinted', () => {
  it('a fingerprinted file without "immutable"', async () => {
    const f = only(await findingsFor({ static: ['/static/app.3f9a1c2b.css'] }), 'cache-static-not-immutable');
    assert.match(f.message, /lacks "immutable", though the file name is fingerprinted/);
  });

  it('an asset kept for an hour when the plan asks for a week', async () => {
    const f = only(await findingsFor({ static: ['/static/logo.png'] }), 'cache-static-short-lived');
    assert.match(f.message, /keeps it for 3600 s, less than the 604800 s/);
  });

  it('a fingerprinted, immutable, year-long asset passes', async () => {
    assert.deepEqual(await findingsFor({ static: ['/static/app.77aa88bb.js'] }), []);
  });
});
