/**
 * The rooms of docs/architecture.md, enforced: every import of every file under src/ (static,
 * `export … from`, dynamic `import()`) goes to its own room, a room its room may import, or a
 * check kind's result types (type-only), or it is one of the few arrows still listed under
 * "Not yet so". A failure lists each offending import as `file -> import`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/** Rooms any room may import: they import nothing of preflight's. */
const BASE = ['json', 'version.ts', 'worker.ts'];
/** The rooms below checks/, which checks/ and the rooms above it may import. */
const BELOW_CHECKS = [
  'plan',
  'secrets',
  'http',
  'openapi',
  'python',
  'render',
  'process',
  'probe',
  'stats',
  'ecosystem/k6',
  'metrics',
];
const EVERYTHING = ['*'];

/**
 * Each room and the rooms it may import (besides itself, BASE, and check results type-only).
 * A room is a folder under src/ (or a top-level file); `ecosystem/k6` is a room of its own,
 * below metrics/, while the rest of `ecosystem/` is above run/.
 */
const ROOMS: Record<string, string[]> = {
  json: [],
  'version.ts': [],
  'worker.ts': [],
  plan: ['secrets'],
  secrets: ['plan'],
  http: ['plan', 'secrets', 'openapi'],
  openapi: ['http'],
  python: [],
  render: ['secrets'],
  process: ['plan', 'secrets', 'http'],
  probe: ['plan', 'secrets', 'http'],
  stats: [],
  'ecosystem/k6': ['plan', 'process'],
  metrics: ['plan', 'secrets', 'http', 'process', 'probe', 'stats', 'ecosystem/k6'],
  checks: BELOW_CHECKS,
  run: ['checks', ...BELOW_CHECKS],
  store: ['plan', 'run'],
  report: ['plan', 'secrets', 'render', 'checks', 'run', 'store'],
  web: ['secrets', 'render', 'checks', 'run', 'store', 'report'],
  ecosystem: ['checks', 'run', ...BELOW_CHECKS],
  cli: EVERYTHING,
  'index.ts': EVERYTHING,
};

/**
 * Arrows that break the table today, each with why it is still there (docs/architecture.md,
 * "Not yet so"). An entry that no longer occurs fails the test too, so the list only shrinks.
 */
const KNOWN: { from: string; to: string; why: string }[] = [
  {
    from: 'src/plan/spec.ts',
    to: 'src/checks/registry.ts',
    why: "the plan's schema is composed from the listed kinds' sections: the list is the one source",
  },
  {
    from: 'src/plan/spec.ts',
    to: 'src/checks/kind.ts',
    why: 'the types of a kind and its plan section (type-only), which the composition reads',
  },
  {
    from: 'src/run/run.ts',
    to: 'src/report/reporter.ts',
    why: 'the run calls the Reporter hooks (type-only); the interface lives with the reporters',
  },
];

/** A check kind's result types: src/checks/result.ts, src/checks/<kind>/result.ts. */
const RESULT_MODULE = /^src\/checks\/([^/]+\/)?result\.ts$/;

interface Import {
  file: string;
  specifier: string;
  /** The file it names, from the repository root (`.js` read as `.ts`). */
  target: string;
  /** `import type` / `export type` / an `import('…')` type: erased from the JavaScript. */
  typeOnly: boolean;
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listSources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The relative imports of one file; packages and node: builtins are not rooms. */
function importsOf(file: string): Import[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return found
    .filter((i) => i.specifier.startsWith('.'))
    .map((i) => ({
      ...i,
      file: relative(ROOT, file),
      target: relative(ROOT, resolve(dirname(file), i.specifier)).replace(/\.js$/, '.ts'),
    }));
}

/** The room of a file under src/: the longest room name its path starts with. */
function roomOf(file: string): string | undefined {
  const inSrc = file.replace(/^src\//, '');
  return Object.keys(ROOMS)
    .filter((room) => inSrc === room || inSrc.startsWith(`${room}/`))
    .sort((a, b) => b.length - a.length)[0];
}

/** Why an import breaks the rules, or undefined when it keeps them. */
function breaks(i: Import): string | undefined {
  if (!i.target.startsWith('src/')) return 'leaves src/';
  const from = roomOf(i.file);
  const to = roomOf(i.target);
  if (from === undefined) return `${i.file} is in no room of the table`;
  if (to === undefined) return `${i.target} is in no room of the table`;
  if (from === to || BASE.includes(to)) return undefined;
  const may = ROOMS[from] ?? [];
  if (may.includes('*') || may.includes(to)) return undefined;
  if (to === 'checks' && RESULT_MODULE.test(i.target)) {
    return i.typeOnly ? undefined : `${from}/ may import check results only with \`import type\``;
  }
  if (KNOWN.some((k) => k.from === i.file && k.to === i.target)) return undefined;
  return `${from}/ may not import ${to}/`;
}

const files = listSources(SRC);
const imports = files.flatMap(importsOf);
const show = (i: Import, why: string): string => `${i.file} -> ${i.specifier}  (${why})`;

describe('the rooms (docs/architecture.md)', () => {
  it('every import keeps the room table', () => {
    const violations = imports.flatMap((i) => {
      const why = breaks(i);
      return why === undefined ? [] : [show(i, why)];
    });
    assert.equal(
      violations.length,
      0,
      `${violations.length} imports break the room table:\n  ${violations.join('\n  ')}`,
    );
  });

  it('every file is in a room', () => {
    const homeless = files.map((f) => relative(ROOT, f)).filter((f) => roomOf(f) === undefined);
    assert.deepEqual(homeless, [], 'add the room to ROOMS here and to docs/architecture.md');
  });

  it('no file under src/checks/ imports src/report/ or src/web/', () => {
    const violations = imports
      .filter((i) => i.file.startsWith('src/checks/') && /^src\/(report|web)\//.test(i.target))
      .map((i) => show(i, 'a check returns a result and never prints'));
    assert.deepEqual(violations, []);
  });

  it('check results are type declarations only: no code, type-only imports', () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => RESULT_MODULE.test(relative(ROOT, f)))) {
      const name = relative(ROOT, file);
      for (const statement of parse(file).statements) {
        const typeOnly =
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) ||
          (ts.isExportDeclaration(statement) && statement.isTypeOnly);
        if (!typeOnly) {
          const text = statement.getText().split('\n')[0];
          violations.push(`${name}: ${text}  (move code out of result modules; lower rooms import them)`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('every known exception still occurs (remove it from KNOWN and the docs when fixed)', () => {
    const stale = KNOWN.filter((k) => !imports.some((i) => i.file === k.from && i.target === k.to)).map(
      (k) => `${k.from} -> ${k.to}`,
    );
    assert.deepEqual(stale, []);
  });
});
