import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit, writeJunit } from '../../src/report/junit.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { goRun, noGoRun, stepCount } from './report-fixtures.js';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property', 'failure', 'error', 'skipped'].includes(name),
});

function parse(xml: string): { root: Node; suites: Node[]; cases: Node[] } {
  assert.equal(XMLValidator.validate(xml), true);
  const root = (parser.parse(xml) as { testsuites: Node }).testsuites;
  const suites = root.testsuite as Node[];
  const cases = suites.flatMap((suite) => (suite.testcase as Node[] | undefined) ?? []);
  return { root, suites, cases };
}

/** The first `name` child of a parsed element (failure, error, skipped). */
function first(node: Node | undefined, name: string): Node | undefined {
  return (node?.[name] as Node[] | undefined)?.[0];
}

const count = (cases: Node[], child: string): number => cases.filter((c) => c[child] !== undefined).length;

describe('renderJunit', () => {
  it('has a testcase per step and per check, with the right failure, error and skipped counts', () => {
    const result = noGoRun();
    const { root, suites, cases } = parse(renderJunit(result));
    assert.equal(cases.length, stepCount(result) + result.checks.length);
    assert.equal(cases.length, 10);
    assert.equal(count(cases, 'failure'), 3, 'pay, lint, paths');
    assert.equal(count(cases, 'error'), 1, 'migrations');
    assert.equal(count(cases, 'skipped'), 2, 'confirm, cache');
    assert.deepEqual(
      [root.tests, root.failures, root.errors, root.skipped].map(Number),
      [10, 3, 1, 2],
      'totals on <testsuites>',
    );
    assert.deepEqual(
      suites.map((s) => s.name),
      ['paths.checkout', 'paths.browse', 'checks'],
    );
  });

  it('names step testcases paths.PATH / STEP with their time in seconds and an assertion failure', () => {
    const { suites } = parse(renderJunit(noGoRun()));
    const checkout = suites[0]?.testcase as Node[];
    const pay = checkout.find((c) => c.name === 'pay');
    assert.ok(pay);
    assert.equal(pay.classname, 'paths.checkout');
    assert.equal(pay.time, '1.240');
    const failure = (pay.failure as Node[])[0];
    assert.ok(failure);
    assert.equal(failure.type, 'assertion');
    assert.equal(failure.message, 'status: expected 201, actual 500');
    const text = String(failure['#text']);
    // One line per failed assertion: its message, not the message and a restatement of it.
    assert.equal(text.split('\n').filter((l) => l.includes('201')).length, 1, text);
    assert.match(text, /^expected status 201, got 500 <&">$/m);
    assert.match(String(failure['#text']), /request: POST http:\/\/127\.0\.0\.1:8000\/orders/);
  });

  it('marks skipped steps and flaky steps', () => {
    const { suites } = parse(renderJunit(noGoRun()));
    const checkout = suites[0]?.testcase as Node[];
    const confirm = checkout.find((c) => c.name === 'confirm');
    assert.equal(first(confirm, 'skipped')?.message, 'an earlier step failed');
    const login = checkout.find((c) => c.name === 'login');
    assert.equal(login?.['system-out'], 'flaky: passed after 3 attempts');
  });

  it('has a checks suite with a testcase per check', () => {
    const { suites } = parse(renderJunit(noGoRun()));
    const checks = suites.find((s) => s.name === 'checks')?.testcase as Node[];
    assert.deepEqual(
      checks.map((c) => c.name),
      ['lint', 'unit', 'paths', 'migrations', 'cache'],
    );
    const lint = checks[0];
    assert.equal(lint?.classname, 'checks.lint');
    assert.match(
      String(first(lint, 'failure')?.['#text']),
      /shop\/main\.py:3:8 F401 `os` imported but unused/,
    );
    const migrations = checks[3];
    const error = first(migrations, 'error');
    assert.equal(error?.type, 'COMMAND_NOT_FOUND');
    assert.equal(first(checks[4], 'skipped')?.message, 'the plan has no cache section');
  });

  it('escapes <&" in messages and drops characters XML 1.0 does not allow', () => {
    const result = noGoRun();
    const paths = result.checks[2];
    assert.ok(paths);
    paths.summary = 'bell\u0007 and <tag attr="x"> & more';
    const xml = renderJunit(result);
    assert.ok(xml.includes('message="bell and &lt;tag attr=&quot;x&quot;&gt; &amp; more"'));
    assert.ok(xml.includes('expected status 201, got 500 &lt;&amp;"&gt;'), 'text content escaped');
    assert.ok(!xml.includes('\u0007'));
    const { cases } = parse(xml);
    const failure = first(
      cases.find((c) => c.name === 'paths'),
      'failure',
    );
    assert.equal(failure?.message, 'bell and <tag attr="x"> & more');
  });

  it('renders a GO run without failures', () => {
    const { root, cases } = parse(renderJunit(goRun()));
    assert.equal(cases.length, 4);
    assert.deepEqual([root.failures, root.errors, root.skipped].map(Number), [0, 0, 0]);
  });
});

describe('writeJunit', () => {
  it('writes the XML, redacted, in a directory it creates', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'preflight-junit-')), 'reports', 'junit.xml');
    const redactor = new Redactor();
    redactor.add('127.0.0.1:8000');
    await writeJunit(file, noGoRun(), redactor);
    const xml = await readFile(file, 'utf8');
    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    assert.ok(!xml.includes('127.0.0.1:8000'));
    assert.ok(xml.includes('http://[redacted]/orders'));
    assert.equal(parse(xml).cases.length, 10);
  });
});
