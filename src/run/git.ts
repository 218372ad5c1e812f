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

/**
 * Git facts for the directory, or null when it is not in a git work tree. At most five git
 * processes (every run pays for them): `status --porcelain=v2 --branch` gives the commit, the
 * branch and the uncommitted files at once, and alone answers "not a work tree".
 */
export async function readGitInfo(cwd: string): Promise<GitInfo | null> {
  // Paths from the repository root, as `diff --name-only` gives them.
  const status = await git(cwd, [
    '-c',
    'status.relativePaths=false',
    'status',
    '--porcelain=v2',
    '--branch',
    '--',
    '.',
  ]);
  // Outside a work tree (or in a bare repository) status fails.
  if (status === null) return null;
  const { commit, branch, uncommitted } = parseStatus(status);
  const [describe, lastTag] = await Promise.all([
    git(cwd, ['describe', '--tags', '--always', '--dirty']),
    git(cwd, ['describe', '--tags', '--abbrev=0']),
  ]);
  // Without a tag, "since the last tag" means since the first commit (the empty tree).
  const base = lastTag ?? (await git(cwd, ['hash-object', '-t', 'tree', '/dev/null']));
  const since = base && commit ? await git(cwd, ['diff', '--name-only', `${base}`, 'HEAD', '--', '.']) : null;
  const files = [...new Set([...(since ?? '').split('\n').filter(Boolean), ...uncommitted])].sort();
  return {
    commit,
    branch,
    describe: describe?.trim() || null,
    last_tag: lastTag?.trim() || null,
    dirty: uncommitted.length > 0,
    files_touched:
      files.length > MAX_FILES
        ? [...files.slice(0, MAX_FILES), `… and ${files.length - MAX_FILES} more`]
        : files,
  };
}

/** Commit, branch (null when detached) and uncommitted paths from `status --porcelain=v2 --branch`. */
function parseStatus(text: string): { commit: string | null; branch: string | null; uncommitted: string[] } {
  let commit: string | null = null;
  let branch: string | null = null;
  const uncommitted: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# branch.oid ')) {
      const oid = line.slice('# branch.oid '.length).trim();
      commit = oid === '(initial)' ? null : oid;
    } else if (line.startsWith('# branch.head ')) {
      const head = line.slice('# branch.head '.length).trim();
      branch = head === '(detached)' ? null : head;
    } else if (line.startsWith('1 ') || line.startsWith('u ')) {
      // Ordinary and unmerged entries: the path is everything after a fixed number of fields.
      uncommitted.push(fieldsAfter(line, line.startsWith('1 ') ? 8 : 10));
    } else if (line.startsWith('2 ')) {
      // Renamed or copied: "<path>\t<original path>".
      uncommitted.push(fieldsAfter(line, 9).split('\t')[0] as string);
    } else if (line.startsWith('? ')) {
      uncommitted.push(line.slice(2));
    }
  }
  return { commit, branch, uncommitted };
}

/** The rest of `line` after its first `count` space-separated fields. */
function fieldsAfter(line: string, count: number): string {
  let at = 0;
  for (let i = 0; i < count; i++) at = line.indexOf(' ', at) + 1;
  return line.slice(at);
}
