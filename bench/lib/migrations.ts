/**
 * Migration lint: preflight's rules against squawk (PyPI squawk-cli, the linter they are
 * modelled on), both as processes on the same files, each file one revision:
 * - the example's Alembic history as offline PostgreSQL SQL, one file per revision: how many
 *   findings each reports, and how many of them are on tables the same revision creates (new,
 *   empty and unused, so no lock or rewrite there can hurt: false alarms);
 * - bench/fixtures/migrations/live-tables.sql, written for the bench, where every statement is
 *   labelled dangerous or safe for a live table: dangerous ones caught, safe ones flagged;
 * - the wall time of a lint of all those files, the median of the rounds.
 * Squawk runs with its defaults (its style rules such as prefer-robust-stmts included), as a
 * new user would first meet it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ddlTarget, splitStatements } from '../../src/checks/migrations/statements.js';
import { runCommand } from '../../src/process/process.js';
import type { BenchContext } from './context.js';
import { alternate, measureCommand, medianRatio, medians } from './measure.js';
import { errorRows, type Row, target } from './table.js';
import { SQUAWK, VENV_BIN } from './tools.js';

const FIXTURE = 'bench/fixtures/migrations/live-tables.sql';
const TOOLS = ['preflight', 'squawk'] as const;
type Tool = (typeof TOOLS)[number];

/** A finding reduced to what the bench compares: the file and the statement it is on. */
interface Flag {
  file: string;
  /** The first line (1-based) of the statement the finding is on. */
  statement: number;
  rule: string;
}

/** squawk: SQUAWK, then the tools venv (scripts/ensure-tools.sh), then PATH. */
export function findSquawk(root: string): string | undefined {
  const candidates = [process.env.SQUAWK, join(root, SQUAWK)];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'squawk'));
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export async function benchMigrations(ctx: BenchContext): Promise<Row[]> {
  const labels = [
    'migration lint: example history, findings',
    'migration lint: example history, findings on tables the revision creates',
    'migration lint: live-table SQL, dangerous statements caught',
    'migration lint: live-table SQL, safe statements flagged',
    'migration lint: wall time, all files',
  ];
  const squawk = findSquawk(ctx.root);
  if (!squawk) return errorRows(labels, new Error('squawk is missing: bash scripts/ensure-tools.sh'));
  try {
    const revisions = await exampleRevisions(ctx);
    const fixture = join(ctx.root, FIXTURE);
    const files = [...revisions, fixture];
    const command: Record<Tool, string> = {
      preflight: `node bench/peers/lint-sql.mjs ${files.join(' ')}`,
      // squawk exits 1 when it found something.
      squawk: `${squawk} --reporter json ${files.join(' ')}`,
    };
    const results = await alternate(TOOLS, ctx.options.rounds, (tool) =>
      measureCommand(command[tool], { cwd: ctx.root, tmp: ctx.tmp, okExitCodes: [0, 1], timeoutMs: 60_000 }),
    );
    const last = (tool: Tool): string => results.get(tool)?.at(-1)?.output ?? '';
    const flags: Record<Tool, Flag[]> = {
      preflight: preflightFlags(last('preflight')),
      squawk: squawkFlags(last('squawk'), files),
    };
    const rows: Row[] = [];
    const count = (tool: Tool, keep: (f: Flag) => boolean): number => flags[tool].filter(keep).length;
    const inExample = (f: Flag): boolean => revisions.includes(f.file);
    const onNew = newTableStatements(revisions);
    rows.push({
      label: `${labels[0]} (${revisions.length} revisions)`,
      unit: 'n',
      values: { preflight: count('preflight', inExample), squawk: count('squawk', inExample) },
    });
    const falseExample = (tool: Tool): number => count(tool, (f) => inExample(f) && onNew.has(key(f)));
    rows.push({
      label: labels[1] as string,
      unit: 'n',
      values: { preflight: falseExample('preflight'), squawk: falseExample('squawk') },
      target: target(falseExample('preflight'), '<=', falseExample('squawk'), '≤ squawk'),
    });
    const labelled = labelledStatements(fixture);
    const dangerous = [...labelled].filter(([, l]) => l === 'dangerous').map(([line]) => line);
    const safe = [...labelled].filter(([, l]) => l === 'safe').map(([line]) => line);
    const flagged = (tool: Tool, lines: number[]): number =>
      lines.filter((line) => flags[tool].some((f) => f.file === fixture && f.statement === line)).length;
    rows.push({
      label: `${labels[2]} (of ${dangerous.length})`,
      unit: 'n',
      values: { preflight: flagged('preflight', dangerous), squawk: flagged('squawk', dangerous) },
      target: target(flagged('preflight', dangerous), '>=', flagged('squawk', dangerous), '≥ squawk'),
    });
    rows.push({
      label: `${labels[3]} (of ${safe.length})`,
      unit: 'n',
      values: { preflight: flagged('preflight', safe), squawk: flagged('squawk', safe) },
      target: target(flagged('preflight', safe), '<=', flagged('squawk', safe), '≤ squawk'),
    });
    const wall = medians(TOOLS, results, (m) => m.wallMs);
    rows.push({
      label: labels[4] as string,
      unit: 'ms',
      values: wall,
      ratio: medianRatio(results, 'preflight', 'squawk', (m) => m.wallMs),
    });
    return rows;
  } catch (error) {
    return errorRows(labels, error);
  }
}

/** The example's Alembic history as offline PostgreSQL SQL, one file per revision, in ctx.tmp. */
async function exampleRevisions(ctx: BenchContext): Promise<string[]> {
  const shop = join(ctx.root, 'examples', 'shop');
  const outcome = await runCommand(`${join(ctx.root, VENV_BIN, 'alembic')} upgrade base:head --sql`, {
    cwd: shop,
    env: { ...process.env, DATABASE_URL: 'postgresql://preflight@offline.invalid/preflight' },
    timeoutMs: 60_000,
    tailLimit: 1024 * 1024,
  });
  if (outcome.exit_code !== 0)
    throw new Error(`alembic upgrade --sql failed:\n${outcome.output.slice(-2000)}`);
  const { splitOfflineSql } = await import('../../src/checks/migrations/alembic.js');
  return [...splitOfflineSql(outcome.output)].map(([revision, sql]) => {
    const file = join(ctx.tmp, `revision-${revision}.sql`);
    writeFileSync(file, sql);
    return file;
  });
}

function key(f: { file: string; statement: number }): string {
  return `${f.file}:${f.statement}`;
}

/** "file:line" of every statement on a table that its own revision creates. */
function newTableStatements(files: string[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) {
    const statements = splitStatements(readFileSync(file, 'utf8'));
    const created = new Set(
      statements
        .map((s) => ddlTarget(s.text))
        .flatMap((t) => (t.kind === 'create-table' && t.table ? [t.table] : [])),
    );
    for (const s of statements) {
      const table = ddlTarget(s.text).table;
      if (table && created.has(table)) out.add(key({ file, statement: s.line }));
    }
  }
  return out;
}

/** The fixture's statements by first line, each with the label on the line above it. */
function labelledStatements(file: string): Map<number, 'dangerous' | 'safe'> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = new Map<number, 'dangerous' | 'safe'>();
  for (const s of splitStatements(lines.join('\n'))) {
    const label = /^--\s*(dangerous|safe):/.exec(lines[s.line - 2] ?? '')?.[1];
    if (!label)
      throw new Error(`${FIXTURE}:${s.line}: a statement without a "-- dangerous:" or "-- safe:" label`);
    out.set(s.line, label as 'dangerous' | 'safe');
  }
  return out;
}

function preflightFlags(output: string): Flag[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { file: string; line: number; rule: string })
    .map((f) => ({ file: f.file, statement: f.line, rule: f.rule }));
}

/**
 * squawk's JSON report: a finding's line is where its statement's text begins, comments before
 * it included, so it is mapped to the first statement starting at or after that line.
 */
function squawkFlags(output: string, files: string[]): Flag[] {
  const start = output.indexOf('[');
  const report = JSON.parse(output.slice(start, output.lastIndexOf(']') + 1)) as {
    file: string;
    line: number;
    rule_name: string;
  }[];
  const starts = new Map(files.map((f) => [f, splitStatements(readFileSync(f, 'utf8')).map((s) => s.line)]));
  return report.flatMap((v) => {
    const file = files.find((f) => f === v.file || f.endsWith(`/${v.file}`));
    const line = file ? starts.get(file)?.find((l) => l >= v.line) : undefined;
    return file && line !== undefined ? [{ file, statement: line, rule: v.rule_name }] : [];
  });
}
