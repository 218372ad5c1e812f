/**
 * JUnit XML (as written by `pytest --junitxml`) as test counts and failures with file:line.
 */
import { XMLParser } from 'fast-xml-parser';
import type { Finding, TestCounts } from '../checks/result.js';
import { OutputParseError } from './ruff.js';

interface JunitCase {
  '@_classname'?: string;
  '@_name'?: string;
  '@_file'?: string;
  '@_line'?: string;
  failure?: JunitProblem | JunitProblem[];
  error?: JunitProblem | JunitProblem[];
  skipped?: unknown;
}
type JunitProblem = string | { '@_message'?: string; '#text'?: string };

export interface JunitSummary {
  counts: TestCounts;
  failures: Finding[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  // pytest writes newlines in attributes as `&#10;`: character references are decoded here, once
  // (`&amp;` last, so `&amp;#10;` stays the text `&#10;`); writers escape once (report/xml.ts).
  htmlEntities: true,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

/** Parse a JUnit XML report into counts and one finding per failed or errored test. */
export function parseJunit(xml: string): JunitSummary {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new OutputParseError(`the JUnit report is not valid XML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const root = (doc.testsuites ?? doc) as { testsuite?: { testcase?: JunitCase[] }[] };
  if (!root.testsuite) throw new OutputParseError('the JUnit report has no <testsuite>');
  const counts: TestCounts = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
  const failures: Finding[] = [];
  for (const suite of root.testsuite) {
    for (const tc of suite.testcase ?? []) {
      counts.total++;
      const problem = first(tc.failure) ?? first(tc.error);
      if (problem !== undefined) {
        if (tc.failure !== undefined) counts.failed++;
        else counts.errors++;
        failures.push(toFinding(tc, problem, tc.failure !== undefined ? 'test-failed' : 'test-error'));
      } else if (tc.skipped !== undefined) counts.skipped++;
      else counts.passed++;
    }
  }
  return { counts, failures };
}

function first(p: JunitProblem | JunitProblem[] | undefined): JunitProblem | undefined {
  return Array.isArray(p) ? p[0] : p;
}

function toFinding(tc: JunitCase, problem: JunitProblem, rule: string): Finding {
  const text = typeof problem === 'string' ? problem : (problem['#text'] ?? '');
  const message =
    (typeof problem === 'string' ? '' : problem['@_message']) ||
    text.split('\n').find((l) => l.trim()) ||
    'failed';
  const where = locate(tc, text);
  const name = `${tc['@_classname'] ? `${tc['@_classname']}.` : ''}${tc['@_name'] ?? '?'}`;
  return { rule, message: `${name}: ${message.trim().slice(0, 500)}`, severity: 'error', ...where };
}

/** pytest's long report ends with `tests/test_x.py:42: AssertionError`; the test file's own line wins. */
function locate(tc: JunitCase, text: string): { file?: string; line?: number } {
  if (tc['@_file'] && tc['@_line']) return { file: tc['@_file'], line: Number(tc['@_line']) + 1 };
  const guessFile = tc['@_classname'] ? `${tc['@_classname'].replace(/\./g, '/')}.py` : undefined;
  const matches = [...text.matchAll(/^([^\s:][^:\n]*\.py):(\d+):/gm)];
  const own = matches.filter((m) => guessFile && m[1] === guessFile).pop() ?? matches.pop();
  if (own) return { file: own[1] as string, line: Number(own[2]) };
  return guessFile ? { file: guessFile } : {};
}
