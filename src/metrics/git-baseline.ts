/**
 * The baseline as a git ref: resolve it (`last-tag` = the newest tag reachable from
 * HEAD), check it out in a temporary git worktree, and remove that worktree again.
 * Git runs through runCommand, so it is bounded in time and never outlives preflight.
 */
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSameProcess, startTicks } from '../process/owner.js';
import { runCommand } from '../process/process.js';
import { MetricsError } from './errors.js';

/** What `metrics.baseline` resolved to. */
export type ResolvedBaseline =
  | { kind: 'git'; ref: string; commit: string; repoRoot: string }
  | { kind: 'recorded'; file: string }
  | { kind: 'none'; reason: string };

/** Quote one argument for /bin/sh. */
function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Run git with arguments; resolves with its output, or null when it failed. */
export async function git(cwd: string, args: string[], timeoutMs = 60_000): Promise<string | null> {
  const outcome = await runCommand(`git ${args.map(quote).join(' ')}`, {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    timeoutMs,
  });
  return outcome.exit_code === 0 ? outcome.output.trim() : null;
}

/** Resolve `metrics.baseline` (or `compare REF`) from the plan's directory. */
export async function resolveBaseline(planDir: string, ref: string): Promise<ResolvedBaseline> {
  if (ref.endsWith('.json')) return { kind: 'recorded', file: path.resolve(planDir, ref) };
  const repoRoot = await git(planDir, ['rev-parse', '--show-toplevel']);
  if (!repoRoot && ref === 'last-tag')
    return { kind: 'none', reason: `baseline is last-tag but ${planDir} is not in a git repository` };
  if (!repoRoot) {
    throw new MetricsError(
      'METRICS_NOT_A_REPO',
      `the baseline "${ref}" is a git ref, but ${planDir} is not in a git repository; use a recorded JSON result instead`,
    );
  }
  let name = ref;
  if (ref === 'last-tag') {
    const tag = await git(planDir, ['describe', '--tags', '--abbrev=0']);
    if (!tag) return { kind: 'none', reason: 'baseline is last-tag but the repository has no tag yet' };
    name = tag;
  }
  const commit = await git(planDir, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`]);
  if (!commit) {
    throw new MetricsError(
      'METRICS_BAD_REF',
      `the baseline ref "${name}" does not exist in ${repoRoot}; give a tag, branch or commit (see \`git tag\`, \`git log\`)`,
    );
  }
  return { kind: 'git', ref: name, commit, repoRoot };
}

/** The temporary directories of baseline worktrees: `$TMPDIR/preflight-baseline-XXXXXX/tree`. */
export const BASELINE_PREFIX = 'preflight-baseline-';
/** In the worktree's parent directory: the pid (and start time) of the preflight that made it. */
export const OWNER_FILE = 'owner.json';

/**
 * Remove the baseline worktrees of `repoRoot` whose preflight process is gone (it was killed
 * before it could remove them), and prune git's records of worktrees whose directory is gone;
 * returns one sentence per worktree removed.
 */
export async function removeStaleWorktrees(repoRoot: string): Promise<string[]> {
  const listing = await git(repoRoot, ['worktree', 'list', '--porcelain']);
  if (listing === null) return [];
  const notes: string[] = [];
  const ours = listing
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .filter(
      (dir) => path.basename(dir) === 'tree' && path.basename(path.dirname(dir)).startsWith(BASELINE_PREFIX),
    );
  for (const dir of ours) {
    const parent = path.dirname(dir);
    const owner = await readOwner(path.join(parent, OWNER_FILE));
    if (owner && isSameProcess(owner.pid, owner.ticks)) continue;
    await git(repoRoot, ['worktree', 'remove', '--force', dir]);
    await rm(parent, { recursive: true, force: true });
    const who = owner ? `preflight (pid ${owner.pid})` : 'an earlier preflight';
    notes.push(`removed the baseline worktree ${dir}, left by ${who} that ended before removing it`);
  }
  await git(repoRoot, ['worktree', 'prune']);
  return notes;
}

async function readOwner(file: string): Promise<{ pid: number; ticks: number | null } | null> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; ticks?: unknown };
    return typeof data.pid === 'number'
      ? { pid: data.pid, ticks: typeof data.ticks === 'number' ? data.ticks : null }
      : null;
  } catch {
    return null;
  }
}

/** A checked-out baseline: its plan directory, and how to remove it. */
export interface Worktree {
  dir: string;
  planDir: string;
  remove: () => Promise<void>;
}

/** Check the commit out in a temporary worktree; the plan dir is the same relative path in it. */
export async function addWorktree(
  baseline: Extract<ResolvedBaseline, { kind: 'git' }>,
  planDir: string,
): Promise<Worktree> {
  const parent = await mkdtemp(path.join(tmpdir(), BASELINE_PREFIX));
  const dir = path.join(parent, 'tree');
  // Who made it: a later run removes it when this process is gone (killed before its cleanup).
  await writeFile(
    path.join(parent, OWNER_FILE),
    JSON.stringify({ pid: process.pid, ticks: startTicks(process.pid) }),
  );
  const remove = async (): Promise<void> => {
    await git(baseline.repoRoot, ['worktree', 'remove', '--force', dir]);
    await git(baseline.repoRoot, ['worktree', 'prune']);
    await rm(parent, { recursive: true, force: true });
  };
  const added = await git(baseline.repoRoot, ['worktree', 'add', '--detach', dir, baseline.commit], 300_000);
  if (added === null) {
    await remove();
    throw new MetricsError(
      'METRICS_WORKTREE_FAILED',
      `could not check out ${baseline.ref} in a git worktree (git worktree add failed)`,
    );
  }
  const relative = path.relative(await realpath(baseline.repoRoot), await realpath(planDir));
  return { dir, planDir: path.join(dir, relative), remove };
}
