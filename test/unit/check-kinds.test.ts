/**
 * The check registry is a list of kinds: every kind's folder under src/checks/ has a kind.ts
 * whose descriptor is in the list, and a new kind (a fixture written for this test, one
 * folder) is listed, built, run and reported (its own record section and terminal line) by
 * adding it to the list, nothing else.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pc from 'picocolors';
import type { CheckKind } from '../../src/checks/kind.js';
import { buildChecks, CHECK_KINDS, listCheckIds, loadKindReports } from '../../src/checks/registry.js';
import type { CheckContext } from '../../src/checks/types.js';
import { parsePlan } from '../../src/plan/load.js';
import { renderRecord } from '../../src/report/record.js';
import { renderSummary } from '../../src/report/terminal-summary.js';
import type { RunResult } from '../../src/run/result.js';
import { runGraph } from '../../src/run/scheduler.js';
import { greetingCheck } from '../fixtures/kinds/greeting/kind.js';
import { goRun } from './report-fixtures.js';

const plan = (greeting: string) =>
  parsePlan(
    [
      'version: 1',
      'service: { name: demo, owner: team, url: "http://127.0.0.1:9" }',
      `variables: { greeting: ${JSON.stringify(greeting)} }`,
      'checks:',
      '  lint: { run: "true" }',
    ].join('\n'),
    { file: 'plan.yaml', displayName: 'plan.yaml' },
  ).plan;

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

  it("a new kind's report sections show in the record and the terminal summary of its run", async () => {
    const kinds = [...CHECK_KINDS, greetingCheck];
    const { results } = await run(kinds, 'hello');
    const result: RunResult = { ...goRun(), checks: results, paths: [] };
    const reports = await loadKindReports(result, kinds);
    assert.deepEqual(
      reports.map((r) => r.kind),
      ['greeting'],
      'only the kinds the result has are loaded',
    );
    const record = renderRecord(result, reports);
    assert.match(record, /\n## Greeting\n\n- `greeting`: greets with "hello"\n/);
    assert.ok(record.indexOf('## Greeting') < record.indexOf('## Files touched'));
    const lines = renderSummary(result, { colors: pc.createColors(false), verbose: false, kinds: reports });
    assert.ok(lines.includes('greeting: greets with "hello"'), lines.join('\n'));
    // Without the kind in the list, its sections are not loaded, and not shown.
    const without = await loadKindReports(result);
    assert.deepEqual(without, []);
    assert.doesNotMatch(renderRecord(result, without), /## Greeting/);
  });

  it('a kind not in the list is not there', async () => {
    assert.deepEqual(listCheckIds(plan('hello')), [{ id: 'lint', kind: 'lint' }]);
    assert.deepEqual((await run(CHECK_KINDS, 'hello')).ids, ['lint']);
  });

  it('--only of a kind the list lacks is a usage error naming what the plan has', async () => {
    await assert.rejects(buildChecks(plan('hello'), { only: ['greeting'] }), /no such check.*lint/);
  });
});
