/**
 * git in a test's repository, with a fixed author (CI machines have none configured).
 */
import { execFileSync } from 'node:child_process';

/** Run `git ARGS` in `cwd`; returns its output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  });
}

/** A new repository in `dir` with everything in it committed as `message`. */
export function initRepo(dir: string, message = 'release 1'): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
}
