/**
 * Schemathesis' JUnit report (`st run --report junit`) as contract findings: one test case per
 * operation, one <failure> per unique failure, its `message` the check code, its text the
 * failing case with the response status and a curl reproduction.
 */
import { XMLParser } from 'fast-xml-parser';
import type { ContractFinding } from './result.js';

interface StCase {
  '@_name'?: string;
  failure?: StProblem | StProblem[];
  error?: StProblem | StProblem[];
}
type StProblem = string | { '@_message'?: string; '#text'?: string };

/** A finding before its severity is decided and before it is redacted. */
export type RawContractFinding = Omit<ContractFinding, 'severity'>;

export interface ContractReport {
  /** Test cases in the report: one per operation tested (plus `Stateful tests`). */
  cases: number;
  failedCases: number;
  findings: RawContractFinding[];
}

/** The report could not be read as Schemathesis JUnit. */
export class ContractReportError extends Error {
  readonly code = 'CONTRACT_REPORT_INVALID';
}

const parser = new XMLParser({
  ignoreAttributes: false,
  // Keep text as written: a curl command's quoting must survive.
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'failure' || name === 'error',
});

const DETAIL_LIMIT = 600;

/** Parse Schemathesis' JUnit XML into findings. */
export function parseContractJunit(xml: string): ContractReport {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new ContractReportError(
      `the Schemathesis JUnit report is not valid XML: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const root = (doc.testsuites ?? doc) as { testsuite?: { testcase?: StCase[] }[] };
  if (!root.testsuite) throw new ContractReportError('the Schemathesis JUnit report has no <testsuite>');
  const report: ContractReport = { cases: 0, failedCases: 0, findings: [] };
  for (const suite of root.testsuite) {
    for (const tc of suite.testcase ?? []) {
      report.cases++;
      const operation = tc['@_name'] ?? '(unnamed operation)';
      const problems = [...list(tc.failure), ...list(tc.error).map((p) => ({ p, error: true }))];
      if (problems.length > 0) report.failedCases++;
      for (const item of problems) {
        const isError = typeof item === 'object' && item !== null && 'error' in item;
        const problem = isError ? (item as { p: StProblem }).p : (item as StProblem);
        report.findings.push(...toFindings(operation, problem, isError));
      }
    }
  }
  return report;
}

function list(p: StProblem | StProblem[] | undefined): StProblem[] {
  if (p === undefined) return [];
  return Array.isArray(p) ? p : [p];
}

function toFindings(operation: string, problem: StProblem, isError: boolean): RawContractFinding[] {
  const text = typeof problem === 'string' ? problem : (problem['#text'] ?? '');
  const message = typeof problem === 'string' ? '' : (problem['@_message'] ?? '');
  const status = statusOf(text);
  const curl = curlOf(text);
  const detail = shorten(text.split(/\n\s*Reproduce with:/)[0] ?? text);
  if (isError) {
    // Its first line names it: "Network Error", "Server Unavailable" (the service stopped answering).
    const title = text.trim().split('\n')[0]?.trim() ?? '';
    return [
      {
        operation,
        code: 'error',
        check: message || title || 'Schemathesis could not test it',
        detail,
        ...extra(status, curl),
      },
    ];
  }
  // A case can fail several checks at once: "- ST101 Server error", "- ST108 Response violates schema".
  const titled = [...text.matchAll(/^- (ST\d{3}) (.+)$/gm)].map((m) => ({
    code: m[1] ?? '',
    check: (m[2] ?? '').trim(),
  }));
  const codes = message.split(/[\s,]+/).filter((c) => /^ST\d{3}$/.test(c));
  const checks = titled.length > 0 ? titled : codes.map((code) => ({ code, check: code }));
  if (checks.length === 0) checks.push({ code: message || 'unknown', check: message || 'failed check' });
  return checks.map((c) => ({ operation, code: c.code, check: c.check, detail, ...extra(status, curl) }));
}

function extra(status: number | undefined, curl: string | undefined): { status?: number; curl?: string } {
  return { ...(status !== undefined ? { status } : {}), ...(curl !== undefined ? { curl } : {}) };
}

/** The status of the response Schemathesis shows as `[500] Internal Server Error:`. */
function statusOf(text: string): number | undefined {
  const m = /^\[(\d{3})\] /m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The curl command after `Reproduce with:` (indented by four spaces), or the first one after
 * `Last requests before it went away:` (a service that stopped answering).
 */
function curlOf(text: string): string | undefined {
  const marker = /Reproduce with:|Last requests before it went away:/.exec(text);
  if (!marker) return undefined;
  const at = marker.index;
  const lines = text.slice(at).split('\n').slice(1);
  const start = lines.findIndex((l) => l.trim() !== '');
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  const body = lines.slice(start, end < 0 ? undefined : end).map((l) => l.replace(/^ {4}/, ''));
  const command = body.join('\n').trim();
  return command.startsWith('curl') ? command : undefined;
}

function shorten(text: string): string {
  const clean = text.trim();
  return clean.length > DETAIL_LIMIT ? `${clean.slice(0, DETAIL_LIMIT)}…` : clean;
}
