/**
 * Reading CDN status headers and Cache-Control the way the cache check does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseCacheControl,
  parseVary,
  sharedCacheable,
  sharedMaxAge,
  varyCovers,
} from '../../src/checks/cache/cache-control.js';
import { readCdnStatus } from '../../src/checks/cache/cdn-status.js';
import { isFingerprinted } from '../../src/checks/cache/header-rules.js';
import { toSeconds } from '../../src/plan/schema-cache.js';

function cdn(headers: Record<string, string>): [string, string] | null {
  const status = readCdnStatus((name) => headers[name]);
  return status ? [status.state, status.header] : null;
}

describe('readCdnStatus', () => {
  it('reads nginx, Cloudflare, CloudFront, Fastly, Squid and RFC 9211 headers', () => {
    assert.deepEqual(cdn({ 'x-cache-status': 'HIT' }), ['hit', 'x-cache-status']);
    assert.deepEqual(cdn({ 'x-cache-status': 'BYPASS' }), ['bypass', 'x-cache-status']);
    assert.deepEqual(cdn({ 'x-cache-status': 'EXPIRED' }), ['expired', 'x-cache-status']);
    assert.deepEqual(cdn({ 'cf-cache-status': 'DYNAMIC' }), ['dynamic', 'cf-cache-status']);
    assert.deepEqual(cdn({ 'x-cache': 'Hit from cloudfront' }), ['hit', 'x-cache']);
    assert.deepEqual(cdn({ 'x-cache': 'Miss from cloudfront' }), ['miss', 'x-cache']);
    assert.deepEqual(cdn({ 'x-cache': 'MISS, HIT' }), ['hit', 'x-cache']);
    assert.deepEqual(cdn({ 'x-cache': 'TCP_MISS from squid' }), ['miss', 'x-cache']);
    assert.deepEqual(cdn({ 'cache-status': 'ExampleCDN; hit; ttl=30' }), ['hit', 'cache-status']);
    assert.deepEqual(cdn({ 'cache-status': 'Origin; fwd=uri-miss' }), ['miss', 'cache-status']);
    assert.deepEqual(cdn({ 'cache-status': 'ExampleCDN; fwd=bypass' }), ['bypass', 'cache-status']);
  });

  it('falls back to Age, and says nothing without any header', () => {
    assert.deepEqual(cdn({ age: '42' }), ['hit', 'age']);
    assert.equal(cdn({ age: '0' }), null);
    assert.equal(cdn({}), null);
    assert.deepEqual(cdn({ 'cf-cache-status': 'MISS', age: '5' }), ['miss', 'cf-cache-status']);
  });
});

describe('Cache-Control and Vary', () => {
  it('parses directives with and without values', () => {
    const d = parseCacheControl('Public, max-age=60, s-maxage="120", no-transform');
    assert.equal(d.get('public'), true);
    assert.equal(sharedMaxAge(d), 120);
    assert.ok(sharedCacheable(d));
    assert.ok(!sharedCacheable(parseCacheControl('private, max-age=600')));
    assert.ok(!sharedCacheable(parseCacheControl('no-cache, max-age=600')));
    assert.ok(!sharedCacheable(parseCacheControl(undefined)));
  });

  it('Vary covers a header by name or by *', () => {
    assert.ok(varyCovers(parseVary('Accept-Encoding, authorization'), 'Authorization'));
    assert.ok(varyCovers(parseVary('*'), 'Cookie'));
    assert.ok(!varyCovers(parseVary(undefined), 'Cookie'));
  });

  it('fingerprinted names and max-age units', () => {
    assert.ok(isFingerprinted('/static/app.3f9a1c2b.css'));
    assert.ok(isFingerprinted('/assets/index-BQ3k9xZa.js?v=1'));
    assert.ok(!isFingerprinted('/static/bootstrap.min.css'));
    assert.ok(!isFingerprinted('/static/logo.png'));
    assert.equal(toSeconds('60s'), 60);
    assert.equal(toSeconds('7d'), 604_800);
    assert.equal(toSeconds(90), 90);
  });
});
