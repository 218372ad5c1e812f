/**
 * The cache check's part of the result: its JSON fits schema/result.schema.json, and the
 * launch record shows hit/miss per path.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheRecord } from '../../src/checks/cache/report.js';
import { loadKindReports } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/checks/result.js';
import { renderRecord } from '../../src/report/record.js';
import type { RunResult } from '../../src/run/result.js';
import { resultValidator } from '../support/result-schema.js';
import { goRun } from './report-fixtures.js';

function withCacheCheck(): RunResult {
  const result = goRun();
  const cache: CheckResult = {
    id: 'cache',
    kind: 'cache',
    status: 'fail',
    blocking: true,
    duration_ms: 321,
    summary: 'cache-leak on /me (1 error)',
    findings: [
      {
        rule: 'cache-leak',
        kind: 'cache-leak',
        severity: 'error',
        message: '/me: user B received user A\'s marker "preflight-1a2b3c4d-a"',
      },
    ],
    cache: [
      {
        path: '/products',
        role: 'public',
        cache_control: 'public, max-age=60',
        vary: null,
        cdn_header: 'x-cache-status',
        requests: [
          { as: 'anonymous', status: 200, cdn: 'miss', age: null },
          { as: 'anonymous', status: 200, cdn: 'hit', age: 3 },
        ],
      },
      {
        path: '/me',
        role: 'private',
        cache_control: 'private, no-store',
        vary: 'Authorization',
        cdn_header: null,
        requests: [
          { as: 'user A', status: 200, cdn: null, age: null },
          { as: 'anonymous', status: 401, cdn: null, age: null },
        ],
      },
    ],
  };
  result.checks.push(cache);
  return result;
}

/** The cache check's record section of a result, as the record draws it (its own checks). */
function cacheSection(result: RunResult): string[] {
  return cacheRecord({ checks: result.checks.filter((c) => c.kind === 'cache'), run: result });
}

describe('the cache check in the result', () => {
  it('fits the published JSON Schema (finding kind, cache observations)', async () => {
    const validate = await resultValidator();
    const result = withCacheCheck();
    assert.ok(validate(JSON.parse(JSON.stringify(result))), JSON.stringify(validate.errors, null, 2));
    const bad = withCacheCheck();
    (bad.checks.at(-1)?.cache?.[0] as { role: string }).role = 'shared';
    assert.ok(!validate(JSON.parse(JSON.stringify(bad))), 'an unknown role is refused');
  });

  it('the record has a Cache section with hit/miss per request', async () => {
    const lines = cacheSection(withCacheCheck()).join('\n\n');
    assert.match(lines, /^## Cache/);
    assert.match(lines, /Hit\/miss as the CDN reported it in `x-cache-status`\./);
    assert.match(
      lines,
      /\| `\/products` \| public \| `public, max-age=60` \| \(none\) \| anonymous 200 \*\*miss\*\* → anonymous 200 \*\*hit\*\* \(age 3 s\) \|/,
    );
    assert.match(
      lines,
      /\| `\/me` \| private \| `private, no-store` \| `Authorization` \| user A 200 → anonymous 401 \|/,
    );
    const result = withCacheCheck();
    assert.match(
      renderRecord(result, await loadKindReports(result)),
      /## Findings[\s\S]*`cache-leak`[\s\S]*## Cache/,
    );
  });

  it('no Cache section without a cache check', () => {
    assert.deepEqual(cacheSection(goRun()), []);
  });
});
