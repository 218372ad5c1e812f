import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadKindReports } from '../../src/checks/registry.js';
import type { Finding } from '../../src/checks/result.js';
import { mdCell, mdCode, mdFence, mdTable } from '../../src/render/markdown.js';
import { recordFileName, renderRecord, writeRecord } from '../../src/report/record.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { COMMIT, goRun, noGoRun } from './report-fixtures.js';

/** The report sections of the kinds the sample runs have. */
const KINDS = await loadKindReports({ checks: [...goRun().checks, ...noGoRun().checks] });

/** The lines of the Markdown section that starts with `heading`, up to the next heading of its level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `section ${heading}`);
  const level = heading.split(' ')[0] ?? '##';
  const rest = markdown.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n${level} `));
  return end < 0 ? rest : rest.slice(0, end);
}

describe('renderRecord', () => {
  const record = renderRecord(noGoRun(), KINDS);

  it('has a title with service, version and verdict, and a summary', () => {
    assert.ok(record.startsWith('# Launch record: shop 1.4.0 — NO-GO\n'));
    const summary = section(record, '## Summary');
    assert.ok(
      summary.includes('**Reason:** 2 blocking checks failed (lint, paths), 1 could not run (migrations)'),
    );
    assert.ok(summary.includes('**Run id:** `20250314-101500-3f2a9c`'));
    assert.ok(summary.includes('**Duration:** 12.34 s'));
    assert.ok(summary.includes(`**Git commit:** \`${COMMIT}\``));
    assert.ok(summary.includes('**Git branch:** `main`'));
    assert.ok(summary.includes('**Git describe:** `v1.3.0-4-g3f2a9c1`'));
    assert.ok(summary.includes('**Working tree:** clean'));
    assert.ok(
      summary.includes('**Plan:** `preflight.yaml` (hash `sha256:5d41402abc4b2a76b9719d911017c592`)'),
    );
    assert.ok(summary.includes('2025-03-14T09:30:00.000Z'));
  });

  it('has the critical paths table with owners and rollback notes, pipes escaped', () => {
    const paths = section(record, '## Critical paths');
    assert.ok(paths.includes('| name | owner | status | expect | rollback |'));
    assert.ok(
      paths.includes(
        '| checkout | alice | **fail** (flaky) | a signed-in customer pays for a cart and sees the order | make rollback \\| tee rollback.log; the orders schema change is additive |',
      ),
    );
    assert.ok(paths.includes('| browse | bob | pass |'));
  });

  it('details the failed path: owner, rollback, step, request, expected vs actual, response', () => {
    const failed = section(record, '### Critical path `checkout`: fail');
    assert.ok(failed.includes('- **Owner:** alice'));
    assert.ok(
      failed.includes(
        '- **Rollback:** make rollback | tee rollback.log; the orders schema change is additive',
      ),
    );
    assert.ok(failed.includes('#### Step `pay`: fail after 1.24 s'));
    assert.ok(failed.includes('- **Request:** `POST http://127.0.0.1:8000/orders`'));
    assert.ok(failed.includes('| status | `201` | `500` | expected status 201, got 500 \\<\\&"\\> |'));
    assert.ok(failed.includes('```\n{\n  "detail": "payment provider said <&\\"> no",'));
    assert.ok(!failed.includes('Step `login`'), 'passing steps get no section');
  });

  it('has the checks table and every command with its exit code', () => {
    const checks = section(record, '## Checks');
    assert.ok(checks.includes('| check | kind | status | blocking | duration | summary |'));
    assert.ok(checks.includes('| lint | lint | **fail** | blocking | 340 ms | 2 findings |'));
    assert.ok(
      checks.includes(
        '| cache | cache | **skip** | advisory | 0 ms | skipped<br>reason: the plan has no cache section (allowed by the plan) |',
      ),
    );
    const commands = section(record, '## Commands');
    assert.ok(commands.includes('| lint | `ruff check --output-format=json .` | `/srv/shop` | 1 | 338 ms |'));
    assert.ok(
      commands.includes('| unit | `pytest -q --junitxml=/tmp/junit.xml` | `/srv/shop` | 0 | 2.30 s |'),
    );
    assert.ok(
      commands.includes(
        '| migrations | `.venv/bin/alembic upgrade head --sql` | `/srv/shop` | 127 | 40 ms |',
      ),
    );
    assert.ok(commands.includes('sh: 1: .venv/bin/alembic: not found'), 'output of the errored command');
  });

  it("shows an errored check's message once when its summary is that message (a traceback is not repeated)", () => {
    const run = noGoRun();
    const message =
      'offline SQL exited 1; its output ends with:\nTraceback (most recent call last):\nOSError: boom';
    const migrations = run.checks.find((c) => c.id === 'migrations');
    assert.ok(migrations?.error);
    migrations.summary = message;
    migrations.error.message = message;
    const checks = section(renderRecord(run, KINDS), '## Checks');
    assert.equal(checks.split('OSError: boom').length - 1, 1, checks);
    assert.ok(checks.includes('`COMMAND_NOT_FOUND` offline SQL exited 1'), checks);
  });

  it('lists findings, step timings, files touched, assumptions and how to repeat', () => {
    const findings = section(record, '## Findings');
    assert.ok(findings.includes('- `shop/main.py:3` `F401` \\`os\\` imported but unused'));
    assert.ok(findings.includes('- `shop/orders.py:41` `E711` comparison to None'));
    const timings = section(record, '## Step timings');
    assert.ok(timings.includes('| step | status | ms | attempts | flaky |'));
    assert.ok(timings.includes('| login | pass | 180 | 3 | flaky |'));
    assert.ok(timings.includes('| confirm | skip | 0 | 0 |  |'));
    const files = section(record, '## Files touched since `v1.3.0`');
    assert.ok(files.includes('- `migrations/versions/0007_orders_note.py`'));
    const assumptions = section(record, '## Assumptions');
    assert.ok(assumptions.includes('- staging runs the same PostgreSQL major version as production'));
    const repeat = section(record, '## How to repeat');
    assert.ok(
      repeat.includes(`\`\`\`sh\ngit checkout ${COMMIT}\nnpx preflight run --plan preflight.yaml\n\`\`\``),
    );
  });

  it('says when there is no tag yet, and when the tree was dirty', () => {
    const result = goRun();
    assert.ok(result.git);
    result.git.last_tag = null;
    result.git.dirty = true;
    const markdown = renderRecord(result, KINDS);
    assert.ok(markdown.startsWith('# Launch record: shop 1.4.0 — GO\n'));
    assert.ok(
      section(markdown, '## Files touched').includes('No tag yet: all tracked files since the first commit.'),
    );
    assert.ok(markdown.includes('**Working tree:** dirty'));
    assert.match(section(markdown, '## How to repeat'), /working tree was dirty/);
  });

  it('repeats a plan in a subdirectory from the repository root: cd, the flags used, the names it reads', () => {
    const result = goRun();
    assert.ok(result.git);
    result.git.plan_dir = 'backend';
    result.plan.file = 'backend/preflight.yaml';
    result.invocation = { command: 'run', args: ['--only', 'paths,database'] };
    result.needs = { env: ['POSTGRES_USER'], env_optional: ['DATABASE_URL'], secrets: ['ADMIN_PASSWORD'] };
    const repeat = section(renderRecord(result, KINDS), '## How to repeat');
    assert.ok(
      repeat.includes(
        `From the root of the repository:\n\n\`\`\`sh\ngit checkout ${COMMIT}\ncd backend\nnpx preflight run --plan preflight.yaml --only paths,database\n\`\`\``,
      ),
      repeat,
    );
    assert.ok(
      repeat.includes(
        '- environment variables: `POSTGRES_USER`; optional (the plan has a fallback): `DATABASE_URL`',
      ),
    );
    assert.ok(
      repeat.includes("- secrets (from the environment or the plan's `secrets.file`): `ADMIN_PASSWORD`"),
    );
  });

  it('repeats compare and rehearse with their own command and arguments', () => {
    const result = goRun();
    result.invocation = { command: 'compare', args: ['v1.3.0', '--rate', '20/s'] };
    assert.match(
      section(renderRecord(result, KINDS), '## How to repeat'),
      /\nnpx preflight compare --plan preflight\.yaml v1\.3\.0 --rate 20\/s\n/,
    );
    result.invocation = { command: 'rehearse', args: ['--baseline', 'v1.3.0'] };
    assert.match(
      section(renderRecord(result, KINDS), '## How to repeat'),
      /\nnpx preflight rehearse --plan preflight\.yaml --baseline v1\.3\.0\n/,
    );
  });

  it('caps findings at 50 per check with a count', () => {
    const result = noGoRun();
    const lint = result.checks[0];
    assert.ok(lint);
    lint.findings = Array.from(
      { length: 60 },
      (_, i): Finding => ({
        rule: 'E501',
        message: `long line ${i}`,
        severity: 'error',
        file: 'a.py',
        line: i + 1,
      }),
    );
    const findings = section(renderRecord(result, KINDS), '## Findings');
    assert.ok(findings.includes('long line 49'));
    assert.ok(!findings.includes('long line 50'));
    assert.ok(findings.includes('- … and 10 more (60 in all)'));
  });

  it('fences a response excerpt with more backticks than it contains', () => {
    const result = noGoRun();
    const pay = result.paths[0]?.steps[2];
    assert.ok(pay?.response);
    pay.response.body = 'before\n````\ninside\n````\nafter';
    const markdown = renderRecord(result, KINDS);
    assert.ok(markdown.includes('`````\nbefore\n````\ninside\n````\nafter\n`````'));
  });
});

describe('Markdown helpers', () => {
  it('escapes pipes and line breaks in table cells, also inside code spans', () => {
    assert.equal(mdCell('a | b\nc'), 'a \\| b<br>c');
    const table = mdTable(['x', 'y'], [[mdCode('cat f | wc -l'), 'one\ntwo']]);
    assert.equal(table, '| x | y |\n| --- | --- |\n| `cat f \\| wc -l` | one<br>two |');
  });

  it('makes code spans and fences longer than any backtick run inside', () => {
    assert.equal(mdCode('a `b` c'), '``a `b` c``');
    assert.equal(mdCode('`x'), '`` `x ``');
    assert.equal(mdFence('no ticks'), '```\nno ticks\n```');
  });
});

describe('recordFileName and writeRecord', () => {
  it('names the record by date, service, version and short run id, sanitised', () => {
    assert.equal(recordFileName(noGoRun()), '2025-03-14-shop-1.4.0-101500-3f2a9c.md');
    const result = goRun();
    result.service.name = 'my shop/../api';
    result.service.version = null;
    result.run_id = 'ab:cd ef/gh';
    const name = recordFileName(result);
    assert.match(name, /^2025-03-14-[A-Za-z0-9._-]+\.md$/);
    assert.ok(name.includes('unversioned'));
  });

  it('writes the record into a directory it creates and returns the path', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'preflight-record-')), 'launches');
    const file = await writeRecord(dir, noGoRun(), new Redactor());
    assert.equal(file, join(dir, '2025-03-14-shop-1.4.0-101500-3f2a9c.md'));
    assert.equal(await readFile(file, 'utf8'), renderRecord(noGoRun(), KINDS));
  });
});
