/**
 * The contract check's reading of Schemathesis' JUnit report (a fixture written by us in the
 * shape `st run --report junit` 4.x writes) and its `st run` command line.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inStatefulPhase } from '../../src/checks/contract/check.js';
import { buildStCommand } from '../../src/checks/contract/command.js';
import { parseContractJunit } from '../../src/checks/contract/junit.js';
import { matchOperation } from '../../src/openapi/operations.js';
import { ContractSpec } from '../../src/plan/schema.js';

const XML = `<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="0" failures="2" skipped="0" tests="3" time="1.5">
  <testsuite name="schemathesis" errors="0" failures="2" skipped="0" tests="3" time="1.5">
    <testcase name="GET /items/{id}" time="0.5">
      <failure type="failure" message="ST101">1. Test Case ID: abc123

- ST101 Server error

- ST108 Response violates schema

    'name' is a required property

[500] Internal Server Error:

    \`Internal Server Error\`

Reproduce with:

    curl -X GET -H 'X-Key: [Filtered]' http://127.0.0.1:9/items/99999999999999999999

</failure>
    </testcase>
    <testcase name="POST /items" time="0.5">
      <failure type="failure" message="ST103">1. Test Case ID: def456

- ST103 Undocumented status code

    Received: 400
    Documented: 201, 422

[400] Bad Request:

    \`{"detail":"bad"}\`

Reproduce with:

    curl -X POST -H 'Content-Type: application/json' -d $'\\x0b&amp;' http://127.0.0.1:9/items</failure>
    </testcase>
    <testcase name="GET /healthz" time="0.5"/>
  </testsuite>
</testsuites>`;

describe('Schemathesis JUnit report', () => {
  test('one finding per failed check, with operation, status and the curl', () => {
    const report = parseContractJunit(XML);
    assert.equal(report.cases, 3);
    assert.equal(report.failedCases, 2);
    assert.deepEqual(
      report.findings.map((f) => [f.operation, f.code, f.check, f.status]),
      [
        ['GET /items/{id}', 'ST101', 'Server error', 500],
        ['GET /items/{id}', 'ST108', 'Response violates schema', 500],
        ['POST /items', 'ST103', 'Undocumented status code', 400],
      ],
    );
    assert.equal(
      report.findings[0]?.curl,
      "curl -X GET -H 'X-Key: [Filtered]' http://127.0.0.1:9/items/99999999999999999999",
    );
    assert.equal(
      report.findings[2]?.curl,
      "curl -X POST -H 'Content-Type: application/json' -d $'\\x0b&' http://127.0.0.1:9/items",
    );
    assert.ok(!report.findings[0]?.detail.includes('Reproduce with'));
  });

  test('errors are named by their first line, with the curl of the last request before the service went away', () => {
    const report = parseContractJunit(`<testsuites><testsuite name="schemathesis" tests="2">
    <testcase name="GET /report" time="1.2">
      <error type="error">Network Error

Connection failed

    Connection aborted. Remote end closed connection without response

Reproduce with:

    curl -X GET 'http://127.0.0.1:9/report?limit=5826'

</error>
    </testcase>
    <testcase name="Server" time="0">
      <error type="error">Server Unavailable

http://127.0.0.1:9 stopped responding. Last requests before it went away:

    curl -X GET 'http://127.0.0.1:9/report?limit=5826'
</error>
    </testcase>
  </testsuite></testsuites>`);
    assert.deepEqual(
      report.findings.map((f) => [f.operation, f.code, f.check, f.curl]),
      [
        ['GET /report', 'error', 'Network Error', "curl -X GET 'http://127.0.0.1:9/report?limit=5826'"],
        ['Server', 'error', 'Server Unavailable', "curl -X GET 'http://127.0.0.1:9/report?limit=5826'"],
      ],
    );
  });

  test('not XML, or no testsuite: a report error, not an empty pass', () => {
    assert.throws(() => parseContractJunit('<testsuites><oops'), { code: 'CONTRACT_REPORT_INVALID' });
    assert.throws(() => parseContractJunit('<other/>'), { code: 'CONTRACT_REPORT_INVALID' });
  });
});

describe('findings of the stateful phase', () => {
  const doc = { paths: { '/api/v1/users/': { post: {} }, '/api/v1/users/{user_id}': { patch: {} } } };
  const operationOf = (method: string, url: string): string | undefined => {
    const found = matchOperation(doc, method, new URL(url).pathname);
    return found ? `${found.method} ${found.path}` : undefined;
  };
  const finding = (curl: string) => ({
    operation: 'Stateful tests',
    code: 'ST101',
    check: 'Server error',
    detail: '',
    curl,
  });

  test('named by the operation their reproduction calls, the phase said after the check', () => {
    const patched = inStatefulPhase(
      finding(
        "curl -X PATCH -H 'Content-Type: application/json' -d '{}' 'http://127.0.0.1:9/api/v1/users/7?x=1'",
      ),
      operationOf,
    );
    assert.deepEqual(
      [patched.operation, patched.check],
      ['PATCH /api/v1/users/{user_id}', 'Server error (in a stateful sequence)'],
    );
    const posted = inStatefulPhase(
      finding('curl -X POST -d x http://127.0.0.1:9/api/v1/users/'),
      operationOf,
    );
    assert.equal(posted.operation, 'POST /api/v1/users/');
  });

  test('kept as they are without a matching operation, a curl, or outside the phase', () => {
    const unknown = finding('curl -X DELETE http://127.0.0.1:9/elsewhere');
    assert.equal(inStatefulPhase(unknown, operationOf), unknown);
    const other = {
      ...finding('curl -X POST http://127.0.0.1:9/api/v1/users/'),
      operation: 'POST /api/v1/users/',
    };
    assert.equal(inStatefulPhase(other, operationOf), other);
    assert.equal(inStatefulPhase(unknown, undefined), unknown);
  });
});

describe('st run command line', () => {
  test('bounds, filters and rate limit on the line; header values only in the environment', () => {
    const spec = ContractSpec.parse({
      max_examples: 5,
      max_time: '1500ms',
      rate_limit: '10/s',
      operations: { include: ['GET /items/{id}'], exclude: ['POST /items'] },
      headers: { 'X-Key': 'v4lue-that-is-secret' },
    });
    const { command, env, config } = buildStCommand({
      binary: '/venv/bin/st',
      spec,
      location: { location: 'http://127.0.0.1:9/openapi.json' },
      headers: { 'X-Key': 'v4lue-that-is-secret' },
      reportDir: '/tmp/r',
    });
    assert.match(command, /--max-examples 5 --max-time 2 /);
    assert.match(command, /--rate-limit 10\/s/);
    assert.match(command, /--include-name 'GET \/items\/\{id\}'/);
    assert.match(command, /--exclude-name 'POST \/items'/);
    // The headers are named in a configuration file, by variable: no value on any command line
    // (the shell would expand one into Schemathesis' arguments, readable with ps).
    assert.match(command, /^\/venv\/bin\/st --config-file \/tmp\/r\/preflight\.schemathesis\.toml run /);
    assert.ok(!command.includes('PREFLIGHT_CONTRACT_HEADER_0') && !command.includes('--header'));
    assert.match(config, /^headers = \{ "X-Key" = "\$\{PREFLIGHT_CONTRACT_HEADER_0\}" \}$/m);
    assert.ok(!command.includes('v4lue-that-is-secret') && !config.includes('v4lue-that-is-secret'));
    assert.equal(env.PREFLIGHT_CONTRACT_HEADER_0, 'v4lue-that-is-secret');
  });
});
