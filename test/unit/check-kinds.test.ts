/**
 * The check registry is a list of kinds: every kind's folder under src/checks/ has a kind.ts
 * whose descriptor is in the list, and a new kind (a fixture written for this test, one
 * folder) is in the plan's schema, its JSON Schema and its type, is validated, listed, built,
 * run and reported (its own record section and terminal line) by adding it to the list, nothing
 * else.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { CheckKind } from '../../src/checks/kind.js';
import { buildChecks, CHECK_KINDS, listCheckIds, loadKindReports } from '../../src/checks/registry.js';
import type { CheckContext } from '../../src/checks/types.js';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { type ComposedPlan, composePlan } from '../../src/plan/spec.js';
import { renderRecord } from '../../src/report/record.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult } from '../../src/run/result.js';
import { runGraph } from '../../src/run/scheduler.js';
import { greetingCheck } from '../fixtures/kinds/greeting/kind.js';
import { goRun } from './report-fixtures.js';

const withGreeting = await composePlan([...CHECK_KINDS, greetingCheck]);

const planText = (greeting: string) =>
  [
    'version: 1',
    'service: { name: demo, owner: team, url: "http://127.0.0.1:9" }',
    `greeting: ${JSON.stringify(greeting)}`,
    'checks:',
    '  lint: { run: "true" }',
  ].join('\n');

const parse = (text: string, composed?: ComposedPlan) =>
  parsePlan(text, { file: 'plan.yaml', displayName: 'plan.yaml', composed }).plan;

const plan = (greeting: string) => parse(planText(greeting), withGreeting);

/** The diagnostics of a plan that does not load. */
function problems(text: string, composed?: ComposedPlan) {
  try {
    parse(text, composed);
  } catch (error) {
    if (error instanceof PlanError) return error.diagnostics;
    throw error;
  }
  assert.fail('the plan loaded');
}

async function run(kinds: readonly CheckKind[], greeting: string) {
  const checks = await buildChecks(plan(greeting), {}, kinds);
  const { checks: results } = await runGraph(
    checks.filter((c) => c.kind === 'greeting'),
    {
      concurrency: 1,
      signal: new AbortController().signal,
      context: () => ({}) as CheckContext,
    },
  );
  return { ids: checks.map((c) => c.id), results };
}

describe('check kinds', () => {
  it('every folder with a kind.ts is in the registry, once', async () => {
    const dir = join(import.meta.dirname, '../../src/checks');
    const folders = readdirSync(dir, { withFileTypes: true }).filter(
      (e) => e.isDirectory() && readdirSync(join(dir, e.name)).includes('kind.ts'),
    );
    const exported = await Promise.all(
      folders.map(async (f) => Object.values(await import(join(dir, f.name, 'kind.ts'))) as unknown[]),
    );
    const descriptors = exported
      .flat()
      .filter((v): v is CheckKind => typeof v === 'object' && v !== null && 'define' in v);
    assert.equal(descriptors.length, folders.length, 'one descriptor per kind folder');
    for (const d of descriptors) assert.ok(CHECK_KINDS.includes(d), `${d.section} is in CHECK_KINDS`);
    assert.equal(new Set(CHECK_KINDS).size, CHECK_KINDS.length);
  });

  it('a new kind added to the list is listed, built and run', async () => {
    const kinds = [...CHECK_KINDS, greetingCheck];
    assert.deepEqual(listCheckIds(plan('hello'), kinds), [
      { id: 'lint', kind: 'lint' },
      { id: 'greeting', kind: 'greeting' },
    ]);
    const ok = await run(kinds, 'hello');
    assert.deepEqual(ok.ids, ['lint', 'greeting']);
    assert.equal(ok.results[0]?.status, 'pass');
    assert.equal(ok.results[0]?.summary, 'greets with "hello"');
    const empty = await run(kinds, ' ');
    assert.equal(empty.results[0]?.status, 'fail');
    assert.equal(empty.results[0]?.findings?.[0]?.rule, 'empty-greeting');
  });

  it("a new kind's plan key is in the schema, the JSON Schema and validation", () => {
    assert.equal((plan('hello') as { greeting?: unknown }).greeting, 'hello');
    const properties = withGreeting.jsonSchema().properties as Record<string, { description?: string }>;
    assert.equal(properties.greeting?.description, 'what the greeting check says');
    const typo = problems(planText('hello').replace('greeting:', 'greting:'), withGreeting);
    assert.equal(typo[0]?.code, 'PLAN_UNKNOWN_KEY');
    assert.equal(typo[0]?.hint, 'did you mean "greeting"?');
    const wrongType = problems(planText('hello').replace('"hello"', '[1, 2]'), withGreeting);
    assert.equal(wrongType[0]?.line, 3);
    const twoLines = problems(planText('hello\nthere'), withGreeting);
    assert.deepEqual(
      twoLines.map((d) => [d.code, d.line]),
      [['GREETING_LINES', 3]],
    );
  });

  it('two kinds cannot own the same plan key', async () => {
    await assert.rejects(
      composePlan([...CHECK_KINDS, greetingCheck, greetingCheck]),
      /plan key "greeting" of kind greeting is already kind greeting's/,
    );
  });

  it("a new kind's report sections show in the record and the terminal summary of its run", async () => {
    const kinds = [...CHECK_KINDS, greetingCheck];
    const { results } = await run(kinds, 'hello');
    const result: RunResult = { ...goRun(), checks: results, paths: [] };
    const reports = await loadKindReports(result, kinds);
    assert.deepEqual(
      reports.map((r) => r.kind),
      ['paths', 'greeting'],
      'only the kinds the result has are loaded, and the paths kind, absent, with its note only',
    );
    const absent = reports[0]?.report;
    assert.deepEqual(absent?.lead?.record?.({ checks: [], run: result }), [
      '## Critical paths',
      'No critical path ran.',
    ]);
    assert.equal(absent?.lead?.terminal ?? absent?.lead?.html ?? absent?.tail, undefined, 'nothing loaded');
    const record = renderRecord(result, reports);
    assert.match(record, /\n## Greeting\n\n- `greeting`: greets with "hello"\n/);
    assert.ok(record.indexOf('## Greeting') < record.indexOf('## Files touched'));
    const lines = renderSummary(result, { colors: pc.createColors(false), verbose: false, kinds: reports });
    assert.ok(lines.includes('greeting: greets with "hello"'), lines.join('\n'));
    // Without the kind in the list, its sections are not loaded, and not shown.
    const without = await loadKindReports(result);
    assert.deepEqual(
      without.map((r) => r.kind),
      ['paths'],
    );
    assert.doesNotMatch(renderRecord(result, without), /## Greeting/);
  });

  it('a kind not in the list is not there', async () => {
    const unknown = problems(planText('hello'));
    assert.deepEqual(
      unknown.map((d) => [d.code, d.message]),
      [['PLAN_UNKNOWN_KEY', 'unknown key "greeting"']],
    );
    const withoutKey = parse(planText('hello').replace(/^greeting:.*$/m, ''));
    assert.deepEqual(listCheckIds(withoutKey), [{ id: 'lint', kind: 'lint' }]);
    assert.deepEqual((await run(CHECK_KINDS, 'hello')).ids, ['lint']);
  });

  it('--only of a kind the list lacks is a usage error naming what the plan has', async () => {
    await assert.rejects(buildChecks(plan('hello'), { only: ['greeting'] }), /no such check.*lint/);
  });
});
