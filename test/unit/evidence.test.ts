/**
 * Evidence a reviewer trusts: Python tracebacks read whole up to their exception line (chains,
 * exception groups, long stacks, cut-off logs), linked to the failed step whose request caused
 * them, and JUnit text decoded once on reading and escaped once on writing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import pc from 'picocolors';
import { linkTracebacks } from '../../src/checks/logs/link.js';
import { scanLog } from '../../src/checks/logs/scan.js';
import { excerptLines } from '../../src/checks/logs/traceback.js';
import { eventTime } from '../../src/checks/logs/window.js';
import type { PathResult } from '../../src/checks/paths/result.js';
import { loadKindReports } from '../../src/checks/registry.js';
import type { CheckResult } from '../../src/checks/result.js';
import { parseJunit } from '../../src/python/junit.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult } from '../../src/run/result.js';
import { goRun } from './report-fixtures.js';

const lines = (text: string) => text.split('\n').map((t, i) => ({ text: t, line: i + 1 }));

/** `n` frames of a Starlette stack, two lines each. */
function frames(n: number, indent = ''): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      `${indent}  File "/app/.venv/lib/python3.12/site-packages/starlette/layer${i}.py", line ${10 + i}, in __call__`,
    );
    out.push(`${indent}    await self.app(scope, receive, send)`);
  }
  return out;
}

const ACCESS_500 =
  'ts=2026-01-01T12:00:00.250Z level=INFO logger=shop.access event=request method=POST path=/orders status=500 duration_ms=3.1';

/** What uvicorn prints for an unhandled error under a FastAPI app: 40 frames, then the exception. */
const UVICORN_LONG = [
  ACCESS_500,
  'ERROR:    Exception in ASGI application',
  'Traceback (most recent call last):',
  ...frames(40),
  '  File "/app/shop/routes/orders.py", line 53, in create_order',
  '    raise RuntimeError("payment provider said no")',
  'RuntimeError: payment provider said no',
  'ts=2026-01-01T12:00:01.000Z level=INFO logger=shop.access event=request method=GET path=/healthz status=200',
].join('\n');

const CHAINED = [
  'Traceback (most recent call last):',
  '  File "/app/shop/cart.py", line 10, in total',
  '    price = PRICES[sku]',
  '            ~~~~~~^^^^^',
  "KeyError: 'sku-9'",
  '',
  'During handling of the above exception, another exception occurred:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/shop/cart.py", line 12, in total',
  '    raise LookupError(f"unknown product {sku}") from None',
  'LookupError: unknown product sku-9',
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/app/shop/routes/cart.py", line 30, in get_cart',
  '    raise RuntimeError("cart cannot be priced") from e',
  'RuntimeError: cart cannot be priced',
  'INFO:     127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200 OK',
].join('\n');

/** Starlette's BaseHTTPMiddleware: an exception group, then the same error re-raised plainly. */
const GROUP_THEN_PLAIN = [
  'ERROR:    Exception in ASGI application',
  '  + Exception Group Traceback (most recent call last):',
  '  |   File "/app/.venv/lib/python3.12/site-packages/starlette/_utils.py", line 76, in collapse_excgroups',
  '  |     yield',
  '  |   File "/app/.venv/lib/python3.12/site-packages/anyio/_backends/_asyncio.py", line 767, in __aexit__',
  '  |     raise BaseExceptionGroup(',
  '  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)',
  '  +-+---------------- 1 ----------------',
  '    | Traceback (most recent call last):',
  ...frames(3, '    |'),
  '    |   File "/app/shop/routes/orders.py", line 53, in create_order',
  '    |     raise RuntimeError("boom in a task group")',
  '    | RuntimeError: boom in a task group',
  '    +------------------------------------',
  '',
  'During handling of the above exception, another exception occurred:',
  '',
  'Traceback (most recent call last):',
  ...frames(2),
  '  File "/app/shop/routes/orders.py", line 53, in create_order',
  '    raise RuntimeError("boom in a task group")',
  'RuntimeError: boom in a task group',
  'INFO:     127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200 OK',
].join('\n');

const GROUP_ONLY = [
  '  + Exception Group Traceback (most recent call last):',
  '  |   File "/app/worker.py", line 9, in main',
  '  |     async with asyncio.TaskGroup() as tg:',
  '  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)',
  '  +-+---------------- 1 ----------------',
  '    | Traceback (most recent call last):',
  '    |   File "/app/worker.py", line 4, in fetch',
  '    |     raise ConnectionError("db at 10.0.0.5:5432 refused")',
  '    | ConnectionError: db at 10.0.0.5:5432 refused',
  '    +---------------- 2 ----------------',
  '    | TimeoutError: cache did not answer',
  '    +------------------------------------',
  'INFO: worker stopped',
].join('\n');

describe('tracebacks read whole', () => {
  it('follows a long uvicorn traceback to its exception line and keeps head and tail in the excerpt', () => {
    const { counts, events } = scanLog(lines(UVICORN_LONG));
    assert.equal(counts.traceback, 1);
    const tb = events.find((e) => e.kind === 'traceback');
    assert.equal(tb?.headline, 'RuntimeError: payment provider said no');
    assert.equal(tb?.lines.length, 1 + 80 + 2 + 1, 'header, 40 frames, the own frame, the exception');
    assert.equal(tb?.lines.at(-1), 'RuntimeError: payment provider said no');
    const excerpt = excerptLines(tb?.lines ?? []);
    assert.equal(excerpt.length, 6 + 1 + 18);
    assert.equal(excerpt[0], 'Traceback (most recent call last):');
    assert.equal(excerpt[6], `… ${84 - 24} lines elided …`);
    assert.equal(excerpt.at(-1), 'RuntimeError: payment provider said no');
    assert.ok(excerpt.includes('    raise RuntimeError("payment provider said no")'));
    // The line after the traceback is not part of it.
    assert.ok(!tb?.lines.some((l) => l.includes('/healthz')));
  });

  it('reads a chain (During handling…, direct cause) as one traceback whose message is the last exception', () => {
    const { counts, events } = scanLog(lines(CHAINED));
    assert.equal(counts.traceback, 1);
    assert.equal(events[0]?.headline, 'RuntimeError: cart cannot be priced');
    assert.equal(events[0]?.lines.length, 19);
    assert.equal(events[0]?.cut, undefined);
  });

  it('reads a Starlette exception group followed by the plain re-raise as one traceback', () => {
    const { counts, events } = scanLog(lines(GROUP_THEN_PLAIN));
    assert.equal(counts.traceback, 1);
    const tb = events.find((e) => e.kind === 'traceback');
    assert.equal(tb?.headline, 'RuntimeError: boom in a task group');
    assert.equal(tb?.lines.at(-1), 'RuntimeError: boom in a task group');
    assert.equal(tb?.line, 2);
  });

  it('names the first sub-exception of a lone exception group, not the group', () => {
    const { counts, events } = scanLog(lines(GROUP_ONLY));
    assert.equal(counts.traceback, 1);
    assert.equal(events[0]?.headline, 'ConnectionError: db at 10.0.0.5:5432 refused');
    assert.equal(events[0]?.lines.length, 12, 'through the closing +---- line');
  });

  it('counts two tracebacks back to back, the first cut off before its exception line', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/app/a.py", line 1, in f',
      'Traceback (most recent call last):',
      '  File "/app/b.py", line 2, in g',
      'ValueError: second',
    ].join('\n');
    const { counts, events } = scanLog(lines(text));
    assert.equal(counts.traceback, 2);
    assert.equal(events[0]?.cut, true);
    assert.match(events[0]?.headline ?? '', /cut off after 2 lines, before its exception line/);
    assert.equal(events[1]?.headline, 'ValueError: second');
    assert.equal(events[1]?.line, 3);
  });

  it('says a traceback is cut off when the log ends before its exception line', () => {
    const text = [
      'ERROR: Exception in ASGI application',
      'Traceback (most recent call last):',
      ...frames(3),
    ].join('\n');
    const { events } = scanLog(lines(text));
    const tb = events.find((e) => e.kind === 'traceback');
    assert.equal(tb?.cut, true);
    assert.equal(tb?.lines.length, 7);
    assert.doesNotMatch(tb?.headline ?? '', /File "/, 'the message is not a random frame');
  });

  it('reads past 60 lines (deep stacks) up to the exception', () => {
    const text = ['Traceback (most recent call last):', ...frames(200), 'RecursionError: maximum depth'].join(
      '\n',
    );
    const { events } = scanLog(lines(text));
    assert.equal(events[0]?.headline, 'RecursionError: maximum depth');
    assert.equal(events[0]?.lines.length, 402);
  });

  it('dates an undated traceback by the timestamped line it is printed under', () => {
    const scanned = lines(UVICORN_LONG);
    const tb = scanLog(scanned).events.find((e) => e.kind === 'traceback');
    assert.ok(tb);
    assert.equal(eventTime(scanned, tb)?.toISOString(), '2026-01-01T12:00:00.250Z');
  });
});

/** A failed step that got a 500, sent at `at`. */
function failedPath(at: string, headers: Record<string, string> = {}): PathResult {
  return {
    name: 'checkout',
    owner: 'team-shop',
    expect: 'an order',
    rollback: 'redeploy',
    status: 'fail',
    flaky: false,
    duration_ms: 30,
    steps: [
      { name: 'login', status: 'pass', duration_ms: 10, attempts: 1, flaky: false },
      {
        name: 'pay',
        status: 'fail',
        duration_ms: 20,
        attempts: 1,
        flaky: false,
        started_at: at,
        request: { method: 'POST', url: 'http://127.0.0.1:1/orders', headers: {} },
        response: { status: 500, headers, body: 'Internal Server Error', size: 21, truncated: false },
        failures: [{ assertion: 'status', expected: 200, actual: 500, message: '' }],
      },
    ],
  };
}

function logsCheck(findings: CheckResult['findings']): CheckResult {
  return {
    id: 'logs',
    kind: 'logs',
    status: 'fail',
    blocking: true,
    duration_ms: 300,
    summary: '2 Traceback',
    findings: findings ?? [],
  };
}

const tracebackFinding = (message: string, loggedAt: string, context: string[] = [], line = 40) => ({
  rule: 'log-traceback',
  message,
  severity: 'error' as const,
  file: 'service',
  line,
  excerpt: `Traceback (most recent call last):\n${message}`,
  logged_at: loggedAt,
  log_context: context,
});

describe('linking a traceback to the step whose request caused it', () => {
  it('by the time window of the step, and shown under the step in the terminal', async () => {
    const paths = [failedPath('2026-01-01T12:00:00.200Z')];
    const checks = [
      logsCheck([
        tracebackFinding('ValueError: earlier, unrelated', '2026-01-01T11:59:50.000Z', [], 10),
        tracebackFinding('RuntimeError: payment provider said no', '2026-01-01T12:00:00.210Z'),
      ]),
    ];
    linkTracebacks(paths, checks);
    assert.deepEqual(paths[0]?.steps[1]?.traceback, {
      source: 'service',
      line: 40,
      exception: 'RuntimeError: payment provider said no',
      by: 'time',
    });
    assert.equal(paths[0]?.steps[0]?.traceback, undefined, 'a passed step has none');
    // A run with critical paths has the paths check, whose sections show the steps.
    const pathsCheck: CheckResult = {
      id: 'paths',
      kind: 'paths',
      status: 'fail',
      blocking: true,
      duration_ms: 1,
      summary: '',
    };
    const run: RunResult = { ...goRun(), paths, checks: [pathsCheck, ...checks] };
    const kinds = await loadKindReports(run);
    const text = renderSummary(run, { colors: plainColors(), verbose: false, kinds }).join('\n');
    assert.match(
      text,
      /step pay {2}fail[^\n]*\n(?:.*\n)*? {4}traceback in service\.log:40: RuntimeError: payment provider said no/,
    );
  });

  it('by the request id the response carries when the log shows it, before any time match', () => {
    const paths = [failedPath('2026-01-01T12:00:00.200Z', { 'X-Request-ID': 'req-7f3a9c' })];
    const checks = [
      logsCheck([
        tracebackFinding('ValueError: same moment, other request', '2026-01-01T12:00:00.205Z', [
          'rid=req-0000aa',
        ]),
        tracebackFinding(
          'RuntimeError: this one',
          '2026-01-01T12:00:09.000Z',
          ['request_id=req-7f3a9c ERROR'],
          77,
        ),
      ]),
    ];
    linkTracebacks(paths, checks);
    assert.equal(paths[0]?.steps[1]?.traceback?.exception, 'RuntimeError: this one');
    assert.equal(paths[0]?.steps[1]?.traceback?.by, 'request-id');
  });

  it('links nothing outside the window', () => {
    const paths = [failedPath('2026-01-01T12:00:00.200Z')];
    linkTracebacks(paths, [logsCheck([tracebackFinding('RuntimeError: later', '2026-01-01T12:00:30.000Z')])]);
    assert.equal(paths[0]?.steps[1]?.traceback, undefined);
  });
});

const plainColors = () => pc.createColors(false);

/** What pytest writes for a failed assertion: newlines as `&#10;`, and a literal `&#10;` in the test's own text. */
const PYTEST_JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2">
<testcase classname="tests.test_cart" name="test_ok" time="0.001"/>
<testcase classname="tests.test_cart" name="test_total" time="0.002"><failure message="assert 3 == 4&#10; +  where 3 = total(&quot;a &amp; b&quot;, &apos;&lt;x&gt;&apos;)&#10;note: &amp;#10; stays">def test_total():
&gt;       assert total("a &amp; b", '&lt;x&gt;') == 4
E       assert 3 == 4

tests/test_cart.py:9: AssertionError</failure></testcase>
</testsuite></testsuites>`;

const DECODED_MESSAGE = `assert 3 == 4\n +  where 3 = total("a & b", '<x>')\nnote: &#10; stays`;

describe('JUnit text decoded once, escaped once', () => {
  it('decodes character references in the message once, keeping a literal &#10; as text', () => {
    const { counts, failures } = parseJunit(PYTEST_JUNIT);
    assert.equal(counts.failed, 1);
    assert.equal(failures[0]?.message, `tests.test_cart.test_total: ${DECODED_MESSAGE}`);
    assert.equal(failures[0]?.file, 'tests/test_cart.py');
    assert.equal(failures[0]?.line, 9);
  });

  it('round-trips through --junit: the message read back is the decoded one, not double-escaped', () => {
    const { failures } = parseJunit(PYTEST_JUNIT);
    const unit: CheckResult = {
      id: 'unit',
      kind: 'unit',
      status: 'fail',
      blocking: true,
      duration_ms: 10,
      summary: '1 of 2 tests failed',
      findings: failures,
    };
    const xml = renderJunit({ ...goRun(), checks: [unit], paths: [] });
    assert.doesNotMatch(xml, /&amp;#10; \+/, 'no newline escaped twice');
    assert.doesNotMatch(xml, /&amp;amp;|&amp;lt;|&amp;quot;/, 'no entity escaped twice');
    const reader = new XMLParser({ ignoreAttributes: false, htmlEntities: true });
    const doc = reader.parse(xml) as {
      testsuites: { testsuite: { testcase: { failure: { '#text': string } } } };
    };
    const text = doc.testsuites.testsuite.testcase.failure['#text'];
    assert.ok(text.includes(DECODED_MESSAGE), text);
  });
});
