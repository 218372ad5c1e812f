/**
 * Where a command is told to write (`--json`, `--junit`, `--html` files, the `--record`
 * directory), checked before anything runs: a file output that is a directory, the plan, an
 * input, or another output of the same run is a usage error (exit 2), not a result lost
 * at the end of a run or a plan overwritten by it.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** One output a command was asked to write. */
export interface OutputTarget {
  /** The flag, for the message: `--json`. */
  flag: string;
  path: string;
  /** A file (the default) or a directory (`--record`). */
  kind?: 'file' | 'dir';
}

/** Files the run reads and must never overwrite: the plan, its secrets file, merged results. */
export interface ProtectedFile {
  what: string;
  path: string;
}

/** The first problem with the outputs, as a sentence; null when they are fine. */
export function checkOutputPaths(targets: OutputTarget[], inputs: ProtectedFile[]): string | null {
  const seen = new Map<string, string>();
  const protectedFiles = new Map(inputs.map((i) => [canonical(i.path), i.what]));
  for (const target of targets) {
    const full = canonical(target.path);
    const stat = statOf(full);
    if ((target.kind ?? 'file') === 'file') {
      if (stat?.isDirectory() || /[/\\]$/.test(target.path))
        return `${target.flag} ${target.path} is a directory; give a file name, e.g. ${target.flag} ${path.join(target.path, defaultName(target.flag))}`;
      const input = protectedFiles.get(full);
      if (input)
        return `${target.flag} ${target.path} is ${input}: it would be overwritten; give another file`;
      const other = seen.get(full);
      if (other)
        return `${target.flag} ${target.path} is also the file of ${other}; give each output its own file`;
      seen.set(full, target.flag);
    } else if (stat && !stat.isDirectory()) {
      return `${target.flag} ${target.path} is a file, not a directory`;
    }
  }
  return null;
}

function defaultName(flag: string): string {
  if (flag === '--junit') return 'preflight.xml';
  if (flag === '--html') return 'preflight.html';
  return 'preflight.json';
}

function statOf(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The path with symlinks of its existing part resolved, so that two names of one file compare equal. */
function canonical(file: string): string {
  const full = path.resolve(file);
  try {
    return realpathSync(full);
  } catch {
    const parent = path.dirname(full);
    if (parent === full) return full;
    return path.join(canonical(parent), path.basename(full));
  }
}
