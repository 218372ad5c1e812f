/**
 * The rehearsal lock, `.preflight/rehearsal.lock` next to the plan: taken before the first
 * deploy, with the release staging was on and the phase running; removed by the teardown. Two
 * rehearsals never run on one staging at once, and a rehearsal that was killed (kill -9, a lost
 * CI runner) before its teardown leaves the lock behind: the next run of the plan puts staging
 * back on the release of the lock and says so.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeDir } from '../../plan/own-dir.js';
import type { StagingConfig } from '../../plan/schema.js';
import { isSameProcess, startTicks } from '../../process/owner.js';
import type { CheckContext } from '../types.js';
import { openStaging, StagingError } from './staging.js';
import { restoreStaging } from './teardown.js';

/** What the lock file holds. */
export interface RehearsalLock {
  pid: number;
  ticks: number | null;
  started_at: string;
  /** The release staging was on before the rehearsal deployed anything (null: none or unknown). */
  release_before: string | null;
  /** The phase running when the lock was last written. */
  phase: string;
}

function lockFile(planDir: string): string {
  return path.join(planDir, '.preflight', 'rehearsal.lock');
}

async function readLock(planDir: string): Promise<RehearsalLock | null> {
  try {
    return JSON.parse(await readFile(lockFile(planDir), 'utf8')) as RehearsalLock;
  } catch {
    return null;
  }
}

/** Take the lock (StagingError STAGING_BUSY while a live rehearsal holds it). */
export async function takeRehearsalLock(planDir: string, releaseBefore: string | null): Promise<void> {
  const held = await readLock(planDir);
  if (held && held.pid !== process.pid && isSameProcess(held.pid, held.ticks)) {
    throw new StagingError(
      'STAGING_BUSY',
      `another rehearsal (pid ${held.pid}, since ${held.started_at}) is running on this staging; wait for it to end`,
    );
  }
  await writeLock(planDir, {
    pid: process.pid,
    ticks: startTicks(process.pid),
    started_at: new Date().toISOString(),
    release_before: releaseBefore,
    phase: 'deploy',
  });
}

/** Note the phase that runs now (what a later run reports if this one is killed). */
export async function noteRehearsalPhase(planDir: string, phase: string): Promise<void> {
  const held = await readLock(planDir);
  if (held?.pid === process.pid) await writeLock(planDir, { ...held, phase });
}

/** The teardown is done: remove the lock. */
export async function releaseRehearsalLock(planDir: string): Promise<void> {
  const held = await readLock(planDir);
  if (!held || held.pid === process.pid) await rm(lockFile(planDir), { force: true });
}

async function writeLock(planDir: string, lock: RehearsalLock): Promise<void> {
  await makeDir(path.dirname(lockFile(planDir)));
  await writeFile(lockFile(planDir), `${JSON.stringify(lock, null, 2)}\n`);
}

/**
 * A rehearsal that ended without its teardown: put staging back on the release it was on
 * (the plan's `restore` command) and remove the lock; one sentence per thing done.
 */
export async function recoverDeadRehearsal(config: StagingConfig, ctx: CheckContext): Promise<string[]> {
  const held = await readLock(ctx.loaded.dir);
  if (!held || isSameProcess(held.pid, held.ticks)) return [];
  const what = `a rehearsal (pid ${held.pid}, started ${held.started_at}) ended during its ${held.phase} phase without its teardown`;
  let outcome: string;
  try {
    const staging = await openStaging(config, ctx);
    const restoration = await restoreStaging(staging, held.release_before);
    outcome = restoration.message;
  } catch (error) {
    if (!(error instanceof StagingError)) throw error;
    outcome = `staging could not be restored: ${error.message}`;
  }
  await rm(lockFile(ctx.loaded.dir), { force: true });
  return [`${what}: ${outcome}; its lock was removed`];
}
