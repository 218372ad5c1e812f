/**
 * The scoped fixture app (test/fixtures/scoped): copied into a temp git repository, at its root
 * or in a subdirectory, sharing the example's venv.
 */
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXAMPLE, ROOT, tempDir } from './cli.js';
import { git, initRepo } from './git.js';

export const SCOPED = path.join(ROOT, 'test', 'fixtures', 'scoped');

/** A temp git repository; the fixture app is in `sub` of it (the root when ''), committed and tagged v1. */
export interface ScopedRepo {
  repo: string;
  /** The plan's directory: `repo/sub`. */
  app: string;
  git: (...args: string[]) => string;
}

/** Copy the fixture into a fresh git repository (in `sub`), commit it and tag it v1. */
export async function scopedRepo(sub = ''): Promise<ScopedRepo> {
  const repo = path.join(await tempDir('preflight-scoped-'), 'repo');
  const app = path.join(repo, sub);
  await mkdir(app, { recursive: true });
  await cp(SCOPED, app, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  await symlink(path.join(EXAMPLE, '.venv'), path.join(app, '.venv'));
  await writeFile(
    path.join(repo, '.gitignore'),
    '.venv\n.preflight/\n*.db\n__pycache__/\nout*.json\nrecords/\n',
  );
  initRepo(repo);
  git(repo, 'tag', 'v1');
  return { repo, app, git: (...args) => git(repo, ...args) };
}
