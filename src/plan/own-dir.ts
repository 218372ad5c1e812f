/**
 * `.preflight/` next to a plan holds preflight's own files (runs, the history, caches). It
 * carries a `.gitignore` of `*`, as pytest's and ruff's caches do, so git, ruff and other
 * tools that honour ignore files leave it alone (seen: ruff linting a run's helper script).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Make `dir/.preflight/sub…` and the `.gitignore` of `.preflight/`; returns the full path. */
export async function ownDir(dir: string, ...sub: string[]): Promise<string> {
  const own = path.join(dir, '.preflight');
  const full = path.join(own, ...sub);
  await mkdir(full, { recursive: true });
  const ignore = path.join(own, '.gitignore');
  if (!existsSync(ignore)) {
    await writeFile(ignore, "# preflight's own files (runs, history, caches): not the project's\n*\n", {
      flag: 'wx',
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return full;
}
