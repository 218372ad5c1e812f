/**
 * The GitHub Actions reporter: annotations with file/line for findings and failed steps,
 * escaping as GitHub wants it, the job summary appended, and nothing outside Actions.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { applyVariableFlags, ecosystemReporters } from '../../src/cli/run-ecosystem.js';
import { parsePlan } from '../../src/plan/load.js';
import { createGithubReporter, githubAnnotations, renderJobSummary } from '../../src/report/github.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { tempDir } from '../support/cli.js';
import { goRun, noGoRun, SECRET } from './report-fixtures.js';

describe('GitHub Actions reporter', () => {
  test('one ::error per located failure: lint findings at their file, failed steps at the plan line', () => {
    const lines = githubAnnotations(noGoRun(), { env: {}, cwd: '/srv/shop' });
    assert.ok(
      lines.includes(
        '::error file=shop/main.py,line=3,col=8,title=preflight lint%3A F401::`os` imported but unused',
      ),
      lines.join('\n'),
    );
    const step = lines.find((l) => l.startsWith('::error file=preflight.yaml,line=20,col=9,'));
    assert.ok(step, lines.join('\n'));
    assert.match(step, /title=preflight%3A critical path "checkout"%2C step "pay" failed::/);
    assert.match(step, /expected status 201, got 500 <&">%0Aowner: alice; rollback: make rollback/);
    assert.equal(lines.at(-1), `::error title=preflight%3A NO-GO::${noGoRun().reason}`);
    assert.deepEqual(githubAnnotations(goRun(), { env: {} }), [], 'a GO run has nothing to annotate');
  });

  test('paths are made relative to GITHUB_WORKSPACE', () => {
    const lines = githubAnnotations(noGoRun(), { env: { GITHUB_WORKSPACE: '/srv' }, cwd: '/srv/shop' });
    assert.ok(lines.some((l) => l.startsWith('::error file=shop/shop/main.py,line=3,')));
    assert.ok(lines.some((l) => l.startsWith('::error file=shop/preflight.yaml,line=20,')));
  });

  test('the job summary is appended to $GITHUB_STEP_SUMMARY, redacted, and only under Actions', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'summary.md');
    await writeFile(file, '# earlier step\n');
    const redactor = new Redactor();
    redactor.add(SECRET);
    const result = noGoRun();
    result.reason = `failed with ${SECRET}`;
    let written = '';
    const reporter = createGithubReporter({
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file },
      redactor,
      write: (t) => {
        written += t;
      },
    });
    await reporter.onRunEnd(result);
    const summary = await readFile(file, 'utf8');
    assert.match(summary, /^# earlier step\n## ❌ preflight: shop 1\.4\.0 — NO-GO/);
    assert.match(summary, /### Critical paths\n\n\| name \| owner \| status/);
    assert.match(summary, /#### Critical path `checkout`: fail/);
    assert.doesNotMatch(summary + written, new RegExp(SECRET.replace(/[|]/g, '\\|')));
    assert.match(renderJobSummary(goRun()), /✅ preflight: shop 1\.4\.0 — GO/);
    assert.equal(ecosystemReporters(redactor, {}).length, 0);
    assert.equal(ecosystemReporters(redactor, { GITHUB_ACTIONS: 'true' }).length, 1);
  });

  test('--var NAME=VALUE overrides a plan variable, refuses a name the plan does not have and what is not an assignment', () => {
    const text =
      'version: 1\nservice: { name: s, url: "http://127.0.0.1:1" }\nvariables: { baseUrl: "x", extra: "" }\n' +
      'critical_paths:\n  - { name: p, owner: o, expect: e, rollback: r, variables: { extra: "path" }, steps: [{ name: s, request: { url: / } }] }\n';
    const loaded = parsePlan(text, { file: '/tmp/p.yaml', displayName: 'p.yaml' });
    assert.equal(applyVariableFlags(loaded, ['baseUrl=http://127.0.0.1:9/api', 'extra=a=b']), undefined);
    assert.deepEqual(loaded.plan.variables, { baseUrl: 'http://127.0.0.1:9/api', extra: 'a=b' });
    assert.deepEqual(
      loaded.plan.critical_paths?.[0]?.variables,
      { extra: 'a=b' },
      'the path’s own value too',
    );
    assert.match(applyVariableFlags(loaded, ['no-equals']) ?? '', /expects NAME=VALUE/);
    assert.match(
      applyVariableFlags(loaded, ['baseURL=y']) ?? '',
      /--var baseURL: the plan has no variable "baseURL" \(did you mean "baseUrl"\?\)/,
    );
  });

  test('--var of the base URL variable of an imported collection moves the service', () => {
    const text = 'version: 1\nservice: { name: s }\nvariables: { APIURL: "{{ service.url }}" }\n';
    const loaded = parsePlan(text, { file: '/tmp/p.yaml', displayName: 'p.yaml' });
    assert.equal(applyVariableFlags(loaded, ['APIURL=http://127.0.0.1:9/api/']), undefined);
    assert.equal(loaded.plan.service.url, 'http://127.0.0.1:9/api');
    assert.equal(loaded.plan.variables?.APIURL, '{{ service.url }}');
  });
});
