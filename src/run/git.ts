/**
 * What git knows about the release: commit, branch, last tag, files touched since it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitInfo } from './result.js';

const exec = promisify(execFile);
const MAX_FILES = 500;

/**
 * The git commands of `readGitInfo`, run one after another by one shell: one process started
 * from preflight instead of six (each start costs the run's main thread a fork), and none of
 * them waits on preflight. Sections are separated by NUL; a command that fails leaves its
 * section empty, and the script exits 1 when `status` fails (not a work tree).
 */
const FACTS_SCRIPT = [
  // Paths from the repository root, as `diff --name-only` gives them.
  'git -c status.relativePaths=false status --porcelain=v2 --branch --untracked-files=normal || exit 1',
  "printf '\\0'; git rev-parse --show-prefix",
  "printf '\\0'; git describe --tags --always",
  "printf '\\0'; tag=$(git describe --tags --abbrev=0) && printf '%s' \"$tag\"",
  // Without a tag, "since the last tag" means since the first commit (the empty tree).
  'base="$tag"; [ -n "$base" ] || base=$(git hash-object -t tree /dev/null)',
  'printf \'\\0\'; git diff --name-only "$base" HEAD -- .',
  'exit 0',
].join('\n');

interface GitFacts {
  status: string;
  prefix: string;
  describe: string;
  lastTag: string;
  since: string;
}

async function readFacts(cwd: string): Promise<GitFacts | null> {
  try {
    const { stdout } = await exec('sh', ['-c', FACTS_SCRIPT], {
      cwd,
      timeout: 10_000,
      maxBuffer: 64 * 1024 * 1024,
      // `status` takes no index lock to refresh stat data: preflight writes nothing into the repository.
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    const [status = '', prefix = '', describe = '', lastTag = '', since = ''] = stdout.split('\0');
    return { status, prefix, describe, lastTag, since };
  } catch {
    return null;
  }
}

/** What preflight itself writes next to a plan (runs, history, launch records): not "uncommitted changes" of the release. */
export function ownOutputs(loaded: {
  dir: string;
  plan: { record?: { dir: string } | undefined };
}): string[] {
  return [
    path.join(loaded.dir, '.preflight'),
    path.resolve(loaded.dir, loaded.plan.record?.dir ?? 'launches/'),
  ];
}

/** Options of `readGitInfo`. */
export interface GitInfoOptions {
  /** preflight's own outputs (run directories, history, launch records): not "uncommitted changes". */
  ownPaths?: string[];
}

/**
 * Git facts for the directory, or null when it is not in a git work tree. One scope: the
 * commit, `describe`, "dirty" and the uncommitted files are the whole repository's (untracked
 * files that are not ignored count, preflight's own outputs do not); `files_touched` are those
 * under the plan's directory (`plan_dir`, from the repository root). Every run pays for it: one
 * shell running six git commands (FACTS_SCRIPT).
 */
export async function readGitInfo(cwd: string, options: GitInfoOptions = {}): Promise<GitInfo | null> {
  const facts = await readFacts(cwd);
  // Outside a work tree (or in a bare repository) status fails.
  if (facts === null) return null;
  const { status, prefix, describe, lastTag, since } = facts;
  const planDir = prefix.trim();
  const { commit, branch, uncommitted: all } = parseStatus(status);
  const own = ownPrefixes(cwd, planDir, options.ownPaths ?? []);
  const uncommitted = all.filter(
    (file) => !own.some((p) => file === p.replace(/\/$/, '') || file.startsWith(p)),
  );
  const underPlan = uncommitted.filter((f) => planDir === '' || f.startsWith(planDir));
  const files = [...new Set([...since.split('\n').filter(Boolean), ...underPlan])].sort();
  const dirty = uncommitted.length > 0;
  const described = describe.trim() || null;
  return {
    commit,
    branch,
    // `git describe --dirty` ignores untracked files; the label says what "dirty" says.
    describe: described && dirty ? `${described}-dirty` : described,
    last_tag: lastTag.trim() || null,
    dirty,
    plan_dir: planDir === '' ? '.' : planDir.replace(/\/$/, ''),
    uncommitted: bounded(uncommitted),
    files_touched: bounded(files),
  };
}

/** The uncommitted files of the repository that are not preflight's own outputs (for `--tag`). */
export async function listUncommitted(cwd: string, options: GitInfoOptions = {}): Promise<string[] | null> {
  const info = await readGitInfo(cwd, options);
  return info ? info.uncommitted : null;
}

/** preflight's own output paths as repository-relative prefixes (directories end with `/`). */
function ownPrefixes(cwd: string, planDir: string, ownPaths: string[]): string[] {
  // `--show-prefix` is cwd's path from the root: as many `..` as it has parts lead back to the root.
  const top = path.resolve(
    cwd,
    ...planDir
      .split('/')
      .filter(Boolean)
      .map(() => '..'),
  );
  return ownPaths
    .map((p) => path.relative(top, path.resolve(cwd, p)).split(path.sep).join('/'))
    .filter((rel) => rel !== '' && !rel.startsWith('..'))
    .map((rel) => `${rel}/`);
}

function bounded(files: string[]): string[] {
  return files.length > MAX_FILES
    ? [...files.slice(0, MAX_FILES), `… and ${files.length - MAX_FILES} more`]
    : files;
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
