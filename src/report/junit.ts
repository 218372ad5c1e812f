/**
 * The JUnit XML report (`--junit`): a `<testsuite>` per critical path with a `<testcase>` per
 * step, and a `<testsuite name="checks">` with a `<testcase>` per check. CI systems read it.
 */
import type { PathResult, StepResult } from '../checks/paths/result.js';
import type { CheckResult } from '../checks/result.js';
import { excerpt, findingLocation, formatExit, formatFailure, formatValue, tail } from '../render/format.js';
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import { writeFileRedacted } from './sink.js';
import { renderXml, type XmlNode, xmlElement, xmlText } from './xml.js';

const MAX_FINDINGS = 50;
const TAIL_LINES = 40;

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** The JUnit XML of a result. Redact the result first (`writeJunit` does). */
export function renderJunit(result: RunResult): string {
  const suites = [...result.paths.map((path) => pathSuite(path, result.started_at)), checksSuite(result)];
  const total = suites.reduce<Counts>(
    (sum, suite) => ({
      tests: sum.tests + Number(suite.attrs.tests),
      failures: sum.failures + Number(suite.attrs.failures),
      errors: sum.errors + Number(suite.attrs.errors),
      skipped: sum.skipped + Number(suite.attrs.skipped),
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const version = result.service.version ? ` ${result.service.version}` : '';
  const root = xmlElement(
    'testsuites',
    { name: `preflight: ${result.service.name}${version}`, ...total, time: seconds(result.duration_ms) },
    suites,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(root)}\n`;
}

/** Write the JUnit XML of `result` to `file`, redacted, creating the parent directories. */
export async function writeJunit(file: string, result: RunResult, redactor: Redactor): Promise<void> {
  // Redact the values before they are escaped or cut, so every form of a secret is caught.
  await writeFileRedacted(file, renderJunit(redactor.redactValue(result)), redactor);
}

function pathSuite(path: PathResult, timestamp: string): XmlNode {
  const classname = `paths.${path.name}`;
  const properties = xmlElement('properties', {}, [
    xmlElement('property', { name: 'owner', value: path.owner }),
    xmlElement('property', { name: 'expect', value: path.expect }),
    xmlElement('property', { name: 'rollback', value: path.rollback }),
    xmlElement('property', { name: 'status', value: path.status }),
  ]);
  const cases = path.steps.map((step) => stepCase(classname, step));
  return suite({ name: classname, durationMs: path.duration_ms, timestamp, items: path.steps }, [
    properties,
    ...cases,
  ]);
}

function stepCase(classname: string, step: StepResult): XmlNode {
  const children: XmlNode[] = [];
  if (step.status === 'fail') {
    const failures = step.failures ?? [];
    const message = failures.map(
      (f) =>
        `${f.name ? `${f.name}: ` : ''}${f.assertion}: expected ${formatValue(f.expected)}, actual ${formatValue(f.actual)}`,
    );
    children.push(
      xmlText('failure', { message: message.join('; ') || 'failed', type: 'assertion' }, stepDetails(step)),
    );
  } else if (step.status === 'error') {
    const error = step.error;
    children.push(
      xmlText(
        'error',
        { message: error?.message ?? 'error', type: error?.code ?? 'error' },
        stepDetails(step),
      ),
    );
  } else if (step.status === 'skip') {
    children.push(xmlElement('skipped', { message: step.skip_reason ?? 'skipped' }));
  }
  if (step.flaky) {
    const outcome = step.status === 'pass' ? 'passed' : step.status;
    children.push(xmlText('system-out', {}, `flaky: ${outcome} after ${step.attempts} attempts`));
  }
  return xmlElement('testcase', { classname, name: step.name, time: seconds(step.duration_ms) }, children);
}

function stepDetails(step: StepResult): string {
  const lines: string[] = [];
  for (const f of step.failures ?? []) lines.push(formatFailure(f));
  if (step.error) lines.push(`error[${step.error.code}]: ${step.error.message}`);
  if (step.request) lines.push(`request: ${step.request.method} ${step.request.url}`);
  if (step.response) {
    const body = excerpt(step.response.body);
    lines.push(`response: ${step.response.status} (${step.response.size} bytes)`, body.text);
    if (body.cut || step.response.truncated) lines.push('…');
  }
  if (step.source) lines.push(`at ${step.source.file}:${step.source.line}:${step.source.column}`);
  return lines.join('\n');
}

function checksSuite(result: RunResult): XmlNode {
  const cases = result.checks.map(checkCase);
  const info = {
    name: 'checks',
    durationMs: result.duration_ms,
    timestamp: result.started_at,
    items: result.checks,
  };
  return suite(info, cases);
}

function checkCase(check: CheckResult): XmlNode {
  const children: XmlNode[] = [];
  if (check.status === 'fail') {
    children.push(xmlText('failure', { message: check.summary, type: 'fail' }, checkDetails(check)));
  } else if (check.status === 'error') {
    const type = check.error?.code ?? 'error';
    children.push(
      xmlText('error', { message: check.error?.message ?? check.summary, type }, checkDetails(check)),
    );
  } else if (check.status === 'skip') {
    children.push(xmlElement('skipped', { message: check.skip_reason ?? check.summary }));
  } else if (check.status === 'warn') {
    children.push(xmlText('system-out', {}, `warning: ${check.summary}\n${checkDetails(check)}`.trimEnd()));
  }
  const attrs = { classname: `checks.${check.kind}`, name: check.id, time: seconds(check.duration_ms) };
  return xmlElement('testcase', attrs, children);
}

function checkDetails(check: CheckResult): string {
  const lines: string[] = [check.summary];
  if (check.command) lines.push(`$ ${check.command.command}  (exit ${formatExit(check.command)})`);
  const findings = check.findings ?? [];
  for (const finding of findings.slice(0, MAX_FINDINGS)) {
    const location = findingLocation(finding);
    lines.push(`${location ? `${location} ` : ''}${finding.rule} ${finding.message}`);
  }
  if (findings.length > MAX_FINDINGS) lines.push(`… and ${findings.length - MAX_FINDINGS} more`);
  if (check.tests) {
    const t = check.tests;
    lines.push(
      `tests: ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped, ${t.passed} passed of ${t.total}`,
    );
  }
  if (check.error) lines.push(`error[${check.error.code}]: ${check.error.message}`);
  if (check.command?.output_tail && findings.length === 0) {
    lines.push('output:', tail(check.command.output_tail, TAIL_LINES).text);
  }
  return lines.join('\n');
}

interface SuiteInfo {
  name: string;
  durationMs: number;
  timestamp: string;
  /** The steps or checks of the suite, one testcase each. */
  items: { status: string }[];
}

function suite(info: SuiteInfo, children: XmlNode[]): XmlNode {
  const count = (status: string): number => info.items.filter((item) => item.status === status).length;
  const attrs = {
    name: info.name,
    tests: info.items.length,
    failures: count('fail'),
    errors: count('error'),
    skipped: count('skip'),
    time: seconds(info.durationMs),
    timestamp: info.timestamp,
  };
  return xmlElement('testsuite', attrs, children);
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
