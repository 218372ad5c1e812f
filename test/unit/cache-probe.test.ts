/**
 * The cache-leak and web-cache-deception probes against a local origin with a deliberately
 * wrong in-process cache; sessions for users A and B; the marker redacted when secret.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeError } from '../../src/checks/cache/exchange.js';
import { type CacheProbeResult, probeCache } from '../../src/checks/cache/probe.js';
import type { Finding } from '../../src/checks/result.js';
import { type CacheConfig, CacheSpec } from '../../src/plan/schema.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { emptyScope, useCacheServer } from '../support/cache-server.js';

const cache = useCacheServer();

const SESSION = {
  steps: [
    {
      name: 'log in',
      request: { method: 'POST', url: '/login', json: { user: '{{ cache_user }}' } },
      expect: { status: 200 },
      capture: { token: '$.token', account: '$.id' },
    },
  ],
};

let nonces = 0;

async function probe(
  section: Partial<Record<keyof CacheConfig, unknown>>,
  scope: TemplateScope = emptyScope(),
): Promise<CacheProbeResult> {
  const spec = CacheSpec.parse({
    session: SESSION,
    headers: { Authorization: 'Bearer {{ token }}' },
    ...section,
  });
  const client = cache.client();
  nonces += 1;
  return probeCache({ spec, client, scope, nonce: `n${nonces}` });
}

function rules(findings: Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.severity}`);
}

describe('the cache-leak probe', () => {
  it('a cache that keeps users apart: no finding, A/B/anonymous observed', async () => {
    const result = await probe({ private: ['/good/me'], deception: false });
    assert.deepEqual(result.findings, []);
    const observation = result.observations[0];
    assert.equal(observation?.path, '/good/me');
    assert.deepEqual(
      observation?.requests.map((r) => [r.as, r.status, r.cdn]),
      [
        ['user A', 200, 'miss'],
        ['user B', 200, 'miss'],
        ['anonymous', 401, null],
      ],
    );
  });

  it("a cache that stores by URL: user B and the anonymous client get user A's marker", async () => {
    const result = await probe({ private: ['/leaky/me'], deception: false });
    const leaks = result.findings.filter((f) => f.rule === 'cache-leak');
    assert.equal(leaks.length, 2, JSON.stringify(result.findings, null, 2));
    const [toB, toAnonymous] = leaks as [Finding, Finding];
    assert.equal(toB.kind, 'cache-leak');
    assert.match(toB.message, /^\/leaky\/me: user B received user A's marker "preflight-[0-9a-f]{8}-a"/);
    assert.match(toB.message, /GET \/leaky\/me\?preflight_cache=n\d+ as user B → 200 \(x-cache: HIT\)/);
    assert.match(toB.message, /user B got: \{"email":"preflight-[0-9a-f]{8}-a@test"/);
    assert.match(toAnonymous.message, /^\/leaky\/me: anonymous received user A's marker/);
  });

  it('a page without the marker leaks by the CDN status: B was served a stored copy', async () => {
    const result = await probe({ private: ['/leaky/cart'], deception: false });
    assert.deepEqual(rules(result.findings), ['cache-leak error', 'cache-leak error']);
    assert.match(
      result.findings[0]?.message ?? '',
      /user B was served a stored copy of a personal page first fetched by user A/,
    );
    assert.deepEqual(result.counts.markerMissing, ['/leaky/cart']);
  });

  it("a secret marker is redacted by the run's redactor", async () => {
    const scope = emptyScope();
    const result = await probe(
      { private: ['/leaky/me'], deception: false, marker: { value: '{{ account }}', secret: true } },
      scope,
    );
    const leak = result.findings.find((f) => f.rule === 'cache-leak');
    assert.ok(leak, 'the leak is found by the marker');
    assert.match(
      leak.message,
      /user A's marker "id-preflight-[0-9a-f]{8}-a"/,
      'found by value before redaction',
    );
    const shown = scope.redactor.redact(leak.message);
    assert.match(shown, /user B received user A's marker "\[redacted\]"/);
    assert.doesNotMatch(shown, /id-preflight-/);
  });

  it('no marker in the page and no CDN status: a warning that a leak cannot be seen', async () => {
    const result = await probe({ private: ['/private/ok'], deception: false });
    assert.deepEqual(rules(result.findings), ['cache-leak-not-probed warning']);
    assert.match(
      result.findings[0]?.message ?? '',
      /^\/private\/ok: user A's marker "preflight-[0-9a-f]{8}-a" is not in A's response/,
    );
  });

  it('a personal page that a cache may store also misses "Vary: Authorization"', async () => {
    const result = await probe({ private: ['/private/public'], deception: false });
    const vary = result.findings.find((f) => f.rule === 'cache-vary-missing');
    assert.match(
      vary?.message ?? '',
      /it answers a request with credentials, but it has no Vary header: add "Vary: Authorization"/,
    );
    assert.ok(result.findings.some((f) => f.rule === 'cache-private-storable'));
  });
});

describe('the web-cache-deception probe', () => {
  it("a CDN that caches by extension stores A's page at /me/x.css: cache-deception", async () => {
    const result = await probe({
      private: ['/deceive/me'],
      deception: { suffixes: ['/{nonce}.css', '/{nonce}.txt'] },
    });
    assert.deepEqual(rules(result.findings), ['cache-deception error', 'cache-deception-risk warning']);
    const [deceived, risk] = result.findings as [Finding, Finding];
    assert.match(
      deceived.message,
      /^\/deceive\/me\/preflight-n\d+\.css: the app serves user A's private page at this static-looking URL and the cache stored it/,
    );
    assert.match(deceived.message, /received user A's marker/);
    assert.match(
      risk.message,
      /^\/deceive\/me\/preflight-n\d+\.txt: the app answers 200 with user A's private page/,
    );
    assert.equal(result.counts.deceptionUrls, 2);
  });

  it('an app that answers 404 for unknown sub-paths is safe', async () => {
    const result = await probe({ private: ['/good/me'] });
    assert.deepEqual(result.findings, []);
    assert.equal(result.counts.deceptionUrls, 5, 'the default suffixes were tried');
  });

  it('an app that serves sub-paths behind a cache that does not store them: a warning only', async () => {
    const result = await probe({ private: ['/risky/me'], deception: { suffixes: [';{nonce}.css'] } });
    assert.deepEqual(rules(result.findings), ['cache-deception-risk warning']);
  });
});

describe('sessions', () => {
  it('a failing session step stops the probe with the step and the reason', async () => {
    const steps = [
      { name: 'log in', request: { method: 'POST', url: '/broken-login' }, expect: { status: 200 } },
    ];
    await assert.rejects(probe({ private: ['/good/me'], session: { steps } }), (error: unknown) => {
      assert.ok(error instanceof ProbeError);
      assert.equal(error.code, 'CACHE_SESSION_FAILED');
      assert.match(error.message, /cache\.session for user A failed at step "log in": .*200.*500/);
      return true;
    });
  });

  it('headers that do not authenticate: the private path refuses user A', async () => {
    await assert.rejects(
      probe({ private: ['/good/me'], headers: { 'X-Nothing': '1' } }),
      (error: unknown) => {
        assert.ok(error instanceof ProbeError);
        assert.equal(error.code, 'CACHE_SESSION_REFUSED');
        assert.match(
          error.message,
          /GET \/good\/me\?preflight_cache=n\d+ as user A → 401: user A's session does not open/,
        );
        return true;
      },
    );
  });

  it('the token a session captured is registered as a secret', async () => {
    const scope = emptyScope();
    const before = cache.server.issued.length;
    await probe({ private: ['/good/me'], deception: false }, scope);
    const tokens = cache.server.issued.slice(before);
    assert.equal(tokens.length, 2, 'one login for user A, one for user B');
    for (const token of tokens) assert.equal(scope.redactor.redact(`Bearer ${token}`), 'Bearer [redacted]');
  });
});
