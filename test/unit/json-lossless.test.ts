/**
 * Integers beyond 2^53 in responses stay exact: a matcher compares the value the service
 * sent (9007199254740993 is not 9007199254740992), a captured id sent back in a URL, a
 * query and a JSON body names the record the service named, and results show the digits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { matchValue } from '../../src/http/matcher.js';
import { parseJson, stringifyJson } from '../../src/json/lossless.js';
import { parsePlan } from '../../src/plan/load.js';
import type { CriticalPath } from '../../src/plan/schema.js';
import { useLocalServer, withBody } from '../support/local-server.js';
import { onePathYaml } from '../support/plan-text.js';

/** Integers a double cannot hold exactly (beyond 2^53, up to 2^64 and more). */
const bigId = fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 70n }).filter((n) => BigInt(Number(n)) !== n);

describe('lossless JSON numbers', () => {
  test('parse and stringify keep big integers, and everything else as JSON.parse does (property)', () => {
    fc.assert(
      fc.property(bigId, fc.jsonValue(), (id, other) => {
        const text = `{"id":${id},"other":${JSON.stringify(other)}}`;
        const parsed = parseJson(text) as { id: bigint; other: unknown };
        assert.equal(parsed.id, id);
        // As JSON.parse gives, but for the big integers, which are exact.
        const asDoubles = JSON.parse(stringifyJson(parsed.other) ?? 'null');
        assert.deepEqual(asDoubles, JSON.parse(JSON.stringify(other)));
        assert.equal(stringifyJson(parsed), text);
      }),
      { numRuns: 2000 },
    );
  });

  test('a matcher tells a big integer from its neighbours (property)', () => {
    fc.assert(
      fc.property(bigId, fc.bigInt({ min: 1n, max: 1000n }), (id, delta) => {
        const actual = (parseJson(`{"id":${id}}`) as { id: bigint }).id;
        assert.deepEqual(matchValue(actual, id), []);
        assert.equal(matchValue(actual, id + delta).length, 1);
        assert.equal(matchValue(actual, { eq: id - delta }).length, 1);
        assert.deepEqual(matchValue(actual, { gt: id - delta, lt: id + delta, type: 'integer' }), []);
        assert.equal(matchValue(actual, { gt: id }).length, 1);
        assert.deepEqual(matchValue(actual, { in: [id - delta, id] }), []);
        // The nearest double is another value.
        assert.equal(matchValue(actual, Number(id)).length, 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lossless JSON numbers through a critical path', () => {
  const seen: { url: string; body: string }[] = [];
  let current = 0n;
  const local = useLocalServer(
    withBody((req, res, body) => {
      seen.push({ url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":${current},"items":[{"order_id":${current + 1n}}]}`);
    }),
  );

  /** The critical path of a plan against the local server, with `steps` (YAML, as onePathYaml). */
  function loadPath(steps: string): CriticalPath {
    const plan = parsePlan(`version: 1\nservice: { name: s, url: "${local.url}" }\n${onePathYaml(steps)}`, {
      file: '/p/preflight.yaml',
      displayName: 'preflight.yaml',
    });
    const path = plan.plan.critical_paths?.[0];
    assert.ok(path);
    return path;
  }

  test('a captured big id goes back exactly, and the plan can spell one (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bigId, async (id) => {
        current = id;
        seen.length = 0;
        const path = loadPath(
          `      - name: create
        request: { method: POST, url: /orders }
        expect: { json: { "$.id": ${id}, "$.items[0].order_id": { gt: ${id} } } }
        capture: { id: "$.id", first: "$.items[0]" }
      - name: read
        request:
          method: PUT
          url: "/orders/{{ id }}"
          query: { id: "{{ id }}" }
          json: { id: "{{ id }}", ref: "order {{ id }}", first: "{{ first }}" }
        expect: { json: { "$.id": "{{ id }}" } }
`,
        );
        const result = await local.run(path);
        assert.equal(result.status, 'pass', JSON.stringify(result.steps.map((s) => s.failures ?? s.error)));
        const read = seen[1];
        assert.equal(read?.url, `/orders/${id}?id=${id}`);
        assert.equal(read?.body, `{"id":${id},"ref":"order ${id}","first":{"order_id":${id + 1n}}}`);
      }),
      { numRuns: 150 },
    );
  });

  test('a failed big-integer assertion shows the exact digits and serialises', async () => {
    current = 2n ** 60n + 1n;
    const path = loadPath(
      `      - name: create
        request: { url: /orders }
        expect: { json: { "$.id": ${2n ** 60n} } }
`,
    );
    const result = await local.run(path);
    assert.equal(result.status, 'fail');
    const failure = result.steps[0]?.failures?.[0];
    assert.match(failure?.message ?? '', new RegExp(`expected ${2n ** 60n}, got ${2n ** 60n + 1n}`));
    assert.doesNotThrow(() => JSON.stringify(result));
  });
});
