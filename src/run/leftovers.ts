/**
 * What a run that ended abruptly (kill -9, a lost CI runner) left, cleaned up by the next run
 * of the plan before its checks: baseline worktrees whose preflight is gone, and a rehearsal
 * lock whose rehearsal is gone (staging is put back on the release it was on). And, after the
 * checks, the processes of this run that escaped their process group. Each thing done is one
 * sentence in the result's `cleanup`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CheckContext } from '../checks/types.js';
import { BASELINE_PREFIX } from '../metrics/git-baseline.js';
import { type FoundProcess, listenersOn } from '../process/owner.js';
import { sweepEscapedSync } from '../process/process.js';

/** Clean up what an abruptly ended run of this plan left; one sentence per thing done. */
export async function recoverLeftovers(ctx: CheckContext): Promise<string[]> {
  const notes: string[] = [];
  const repo = repositoryOf(ctx.loaded.dir);
  // The modules that clean up load only when there is something to clean.
  if (repo && hasBaselineWorktrees(repo.gitDir)) {
    const { removeStaleWorktrees } = await import('../metrics/git-baseline.js');
    notes.push(...(await removeStaleWorktrees(repo.root)));
  }
  const staging = ctx.loaded.plan.staging;
  if (staging?.deploy && existsSync(path.join(ctx.loaded.dir, '.preflight', 'rehearsal.lock'))) {
    const { recoverDeadRehearsal } = await import('../checks/rehearsal/lock.js');
    notes.push(...(await recoverDeadRehearsal(staging, ctx)));
  }
  return notes;
}

/**
 * After the checks (every command has ended): processes of this run still alive are ones that
 * left their process group; they are killed. A process still listening on the service's port is
 * reported too, and killed when it carries this run's token.
 */
export function sweepAfterRun(servicePort: number | null): string[] {
  const listening = servicePort ? listenersOn(servicePort) : [];
  const killed = sweepEscapedSync();
  const notes: string[] = [];
  if (killed.length > 0)
    notes.push(
      `killed ${describe(killed)} that preflight started and that left its process group (setsid, a double fork) instead of stopping with it`,
    );
  const foreign = listening.filter((p) => !killed.some((k) => k.pid === p.pid));
  if (foreign.length > 0)
    notes.push(
      `${describe(foreign)} still listen${foreign.length === 1 ? 's' : ''} on the service's port ${servicePort} after the service was stopped; ` +
        "it does not carry preflight's token (it cleared its environment, or was not started by preflight), so it was left running",
    );
  return notes;
}

function describe(processes: FoundProcess[]): string {
  const shown = processes.slice(0, 5).map((p) => `pid ${p.pid} (${p.command})`);
  const more = processes.length > 5 ? ` and ${processes.length - 5} more` : '';
  return `${processes.length === 1 ? 'a process' : `${processes.length} processes`}: ${shown.join(', ')}${more}`;
}

/** The repository around `dir`: its work tree root and its (common) git directory. */
function repositoryOf(dir: string): { root: string; gitDir: string } | null {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const dotGit = path.join(at, '.git');
    try {
      const stat = statSync(dotGit);
      if (stat.isDirectory()) return { root: at, gitDir: dotGit };
      // A worktree of its own: `.git` is a file naming its git dir, whose commondir is the repository's.
      const gitDir = path.resolve(
        at,
        /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim() ?? '',
      );
      const common = readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim();
      return { root: at, gitDir: path.resolve(gitDir, common) };
    } catch {
      // No .git here.
    }
    if (path.dirname(at) === at) return null;
  }
}

/** Whether git records a worktree of preflight's baselines (read from files: no git process). */
function hasBaselineWorktrees(gitDir: string): boolean {
  try {
    return readdirSync(path.join(gitDir, 'worktrees')).some((name) => {
      try {
        const target = readFileSync(path.join(gitDir, 'worktrees', name, 'gitdir'), 'utf8');
        return target.includes(`/${BASELINE_PREFIX}`);
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
