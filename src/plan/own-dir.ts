/**
 * `.preflight/` next to a plan (or a Postman collection) holds preflight's own files (runs,
 * the history, caches, the converted collection). It carries a `.gitignore` of `*`, as pytest's
 * and ruff's caches do, so git, ruff and other tools that honour ignore files leave it alone
 * (seen: ruff linting a run's helper script; a collection's repository shown dirty by its own
 * run). Every directory preflight makes goes through here, so none is made without it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const OWN = '.preflight';
const IGNORE = "# preflight's own files (runs, history, caches): not the project's\n*\n";

/** Make `dir/.preflight/sub…` and the `.gitignore` of `.preflight/`; returns the full path. */
export function ownDir(dir: string, ...sub: string[]): Promise<string> {
  return makeDir(path.join(dir, OWN, ...sub));
}

/** Make the directory `full` (recursively); when it lies in a `.preflight/`, that one gets its `.gitignore`. */
export async function makeDir(full: string): Promise<string> {
  await mkdir(full, { recursive: true });
  ignoreOwnFolder(full);
  return full;
}

/** `makeDir`, synchronous (for callers that are: the plan cache, the SQLite store). */
export function makeDirSync(full: string): string {
  mkdirSync(full, { recursive: true });
  ignoreOwnFolder(full);
  return full;
}

/**
 * Write the `.gitignore` of the innermost `.preflight` folder of `full`, if it has none. Only
 * the innermost: an outer folder of that name is not known to be preflight's.
 */
function ignoreOwnFolder(full: string): void {
  const parts = path.resolve(full).split(path.sep);
  const at = parts.lastIndexOf(OWN);
  if (at < 0) return;
  const ignore = path.join(parts.slice(0, at + 1).join(path.sep), '.gitignore');
  if (existsSync(ignore)) return;
  try {
    writeFileSync(ignore, IGNORE, { flag: 'wx' });
  } catch (error) {
    // Another run wrote it first.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
