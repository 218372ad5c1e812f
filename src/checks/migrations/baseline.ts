/**
 * The previous release as git knows it: which Alembic head its tree had, and where its source
 * uses a column or table that a new revision drops or renames. Read straight from git objects
 * (`git ls-tree`, `git show`, `git grep COMMIT`), so no worktree is checked out.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { MetricsError } from '../../metrics/errors.js';
import { git, resolveBaseline } from '../../metrics/git-baseline.js';
import { headsOf, parseRevision, type RevisionInfo } from './revisions.js';

/** The baseline the new revisions are counted from. */
export type MigrationBaseline =
  | { kind: 'git'; ref: string; commit: string; repoRoot: string; heads: string[] }
  | { kind: 'none'; reason: string };

export class MigrationsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationsError';
    this.code = code;
  }
}

/** Resolve the baseline ref and read its Alembic heads from the versions directory in git. */
export async function readBaseline(
  planDir: string,
  ref: string,
  versionsDir: string,
): Promise<MigrationBaseline> {
  let resolved: Awaited<ReturnType<typeof resolveBaseline>>;
  try {
    resolved = await resolveBaseline(planDir, ref.endsWith('.json') ? 'last-tag' : ref);
  } catch (error) {
    if (!(error instanceof MetricsError)) throw error;
    throw new MigrationsError(error.code.replace(/^METRICS_/, 'MIGRATIONS_'), error.message, {
      cause: error,
    });
  }
  if (resolved.kind !== 'git') {
    return { kind: 'none', reason: resolved.kind === 'none' ? resolved.reason : 'no git baseline' };
  }
  const relative = await repoRelative(resolved.repoRoot, versionsDir);
  const listing = await git(resolved.repoRoot, ['ls-tree', '--name-only', `${resolved.commit}:${relative}`]);
  const revisions: RevisionInfo[] = [];
  for (const name of (listing ?? '').split('\n').filter((n) => n.endsWith('.py'))) {
    const text = await git(resolved.repoRoot, ['show', `${resolved.commit}:${relative}/${name}`]);
    const info = text === null ? null : parseRevision(name, text);
    if (info) revisions.push(info);
  }
  return {
    kind: 'git',
    ref: resolved.ref,
    commit: resolved.commit,
    repoRoot: resolved.repoRoot,
    heads: headsOf(revisions),
  };
}

// Docs, data and lock files mention names without using them.
const NOT_SOURCE = ['*.md', '*.rst', '*.txt', '*.json', '*.lock', '*.csv', '*.ini', '*.cfg'];

/** Where one place of the previous release's source uses a name. */
export interface Usage {
  file: string;
  line: number;
  text: string;
}

/** Lines of the baseline tree under `appDir` (migrations and docs left out) that use `name` as a word. */
export async function findUsages(
  baseline: Extract<MigrationBaseline, { kind: 'git' }>,
  appDir: string,
  versionsDir: string,
  name: string,
): Promise<Usage[]> {
  const app = await repoRelative(baseline.repoRoot, appDir);
  const versions = await repoRelative(baseline.repoRoot, versionsDir);
  const out = await git(baseline.repoRoot, [
    'grep',
    '-n',
    '-w',
    '-I',
    '-F',
    '-e',
    name,
    baseline.commit,
    '--',
    app || '.',
    `:(exclude)${versions}`,
    ...NOT_SOURCE.map((g) => `:(exclude,glob)**/${g}`),
  ]);
  return (out ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      // COMMIT:path:line:text
      const [, file = '', lineNo = '0', ...rest] = line.split(':');
      return { file: path.relative(app, file) || file, line: Number(lineNo), text: rest.join(':').trim() };
    })
    .sort((a, b) => rank(a.file) - rank(b.file));
}

/** Application code first: then tests and scripts, then anything else. */
function rank(file: string): number {
  if (!file.endsWith('.py')) return 2;
  return /(^|\/)(tests?|scripts?)\/|(^|\/)test_/.test(file) ? 1 : 0;
}

async function repoRelative(repoRoot: string, dir: string): Promise<string> {
  const rel = path.relative(await realpath(repoRoot), await realpath(dir).catch(() => path.resolve(dir)));
  return rel.split(path.sep).join('/');
}
