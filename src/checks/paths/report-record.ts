/**
 * The `paths` check's sections of the launch record: the critical paths with their owners and
 * rollback notes, a section per failed path with its failed steps, and the step timings. The
 * GitHub job summary shows the first two as well.
 */
import { excerpt, formatDuration, formatValue } from '../../render/format.js';
import { mdCode, mdFence, mdStatus, mdTable, mdText } from '../../render/markdown.js';
import type { RunLevelView } from '../report.js';
import type { PathResult, StepResult } from './result.js';

/** "Critical paths": name | owner | status | expect | rollback. */
export function pathsSection(result: RunLevelView): string[] {
  if (result.paths.length === 0) return ['## Critical paths', 'No critical path ran.'];
  const rows = result.paths.map((path) => [
    mdText(path.name),
    mdText(path.owner),
    mdStatus(path.status, path.flaky),
    mdText(path.expect),
    mdText(path.rollback),
  ]);
  return ['## Critical paths', mdTable(['name', 'owner', 'status', 'expect', 'rollback'], rows)];
}

/** A section per failed critical path: its failed steps, requests, assertions and responses. */
export function failedPathSections(result: RunLevelView): string[] {
  const blocks: string[] = [];
  for (const path of result.paths) {
    if (path.status !== 'fail' && path.status !== 'error') continue;
    blocks.push(
      `### Critical path ${mdCode(path.name)}: ${path.status}`,
      [
        `- **Owner:** ${mdText(path.owner)}`,
        `- **Expect:** ${mdText(path.expect)}`,
        `- **Rollback:** ${mdText(path.rollback)}`,
      ].join('\n'),
    );
    for (const step of path.steps) {
      if (step.status === 'fail' || step.status === 'error') blocks.push(...failedStep(step));
    }
  }
  return blocks;
}

function failedStep(step: StepResult): string[] {
  const blocks = [`#### Step ${mdCode(step.name)}: ${step.status} after ${formatDuration(step.duration_ms)}`];
  const facts: string[] = [];
  if (step.request) facts.push(`- **Request:** ${mdCode(`${step.request.method} ${step.request.url}`)}`);
  if (step.attempts > 1) facts.push(`- **Attempts:** ${step.attempts}`);
  if (step.source)
    facts.push(
      `- **Defined at:** ${mdCode(`${step.source.file}:${step.source.line}:${step.source.column}`)}`,
    );
  if (step.error) facts.push(`- **Error:** ${mdCode(step.error.code)} ${mdText(step.error.message)}`);
  if (step.traceback) {
    const t = step.traceback;
    const file = t.source === 'service' ? 'service.log' : t.source;
    const how = t.by === 'request-id' ? 'by its request id' : 'by the time of the request';
    facts.push(
      `- **Traceback:** ${mdCode(`${file}${t.line !== undefined ? `:${t.line}` : ''}`)} ${mdText(t.exception)} (linked ${how})`,
    );
  }
  if (facts.length > 0) blocks.push(facts.join('\n'));
  const failures = step.failures ?? [];
  if (failures.length > 0) {
    const rows = failures.map((f) => [
      mdText(f.assertion),
      mdCode(formatValue(f.expected)),
      mdCode(formatValue(f.actual)),
      mdText(f.message),
    ]);
    blocks.push(mdTable(['assertion', 'expected', 'actual', 'message'], rows));
  }
  if (step.response) {
    const body = excerpt(step.response.body);
    const cut = body.cut || step.response.truncated ? ', first lines' : '';
    blocks.push(`Response ${step.response.status} (${step.response.size} bytes${cut}):`, mdFence(body.text));
  }
  return blocks;
}

/** "Step timings": a table per critical path (step, status, ms, attempts, flaky). */
export function timingsSection(result: RunLevelView): string[] {
  if (result.paths.length === 0) return [];
  const blocks = ['## Step timings'];
  for (const path of result.paths) blocks.push(`### ${mdText(path.name)}`, stepTable(path));
  return blocks;
}

function stepTable(path: PathResult): string {
  const rows = path.steps.map((step) => [
    mdText(step.name),
    step.status,
    String(Math.round(step.duration_ms)),
    String(step.attempts),
    step.flaky ? 'flaky' : '',
  ]);
  return mdTable(['step', 'status', 'ms', 'attempts', 'flaky'], rows);
}
