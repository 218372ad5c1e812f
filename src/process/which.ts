/** Finding executables: on PATH, or at a path, executable by this process. */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** The first `name` on PATH that this process may execute, or null. */
export async function searchPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (await isExecutable(file)) return file;
  }
  return null;
}

/** Whether `file` exists and this process may execute it. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
