/**
 * What git knows about the release: commit, branch, last tag, files touched since it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GitInfo } from '../result.js';

const exec = promisify(execFile);
const MAX_FILES = 500;

async function git(cwd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await exec('git', args, { cwd, timeout: 10_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout.replace(/\n$/, '');
  } catch {
    return null;
  }
}

/** Git facts for the directory, or null when it is not in a git work tree. */
export async function readGitInfo(cwd: string): Promise<GitInfo | null> {
  const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  if (inside?.trim() !== 'true') return null;
  const [commit, branch, describe, lastTag, status] = await Promise.all([
    git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(cwd, ['describe', '--tags', '--always', '--dirty']),
    git(cwd, ['describe', '--tags', '--abbrev=0']),
    git(cwd, ['status', '--porcelain', '--', '.']),
  ]);
  // Without a tag, "since the last tag" means since the first commit.
  const base = lastTag ?? (await git(cwd, ['hash-object', '-t', 'tree', '/dev/null']));
  const since = base && commit ? await git(cwd, ['diff', '--name-only', `${base}`, 'HEAD', '--', '.']) : null;
  const uncommitted = (status ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  const files = [...new Set([...(since ?? '').split('\n').filter(Boolean), ...uncommitted])].sort();
  return {
    commit: commit?.trim() || null,
    branch: branch?.trim() === 'HEAD' ? null : branch?.trim() || null,
    describe: describe?.trim() || null,
    last_tag: lastTag?.trim() || null,
    dirty: uncommitted.length > 0,
    files_touched:
      files.length > MAX_FILES
        ? [...files.slice(0, MAX_FILES), `… and ${files.length - MAX_FILES} more`]
        : files,
  };
}
