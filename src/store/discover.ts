/**
 * Which history `preflight history` and `preflight serve` read when not told: the store next
 * to `--plan`, else next to `./preflight.yaml`, else `./.preflight/history.db`, else the most
 * recently written `.preflight/history.db` a few folders down (e.g. after
 * `preflight run --plan examples/shop/preflight.yaml` from a repository's root).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STORE_FILE, parseStoreLocation, type StoreLocation } from './open.js';

/** What `--store` and `--plan` said, if anything. */
export interface DiscoverOptions {
  store?: string | undefined;
  plan?: string | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', 'dist', '__pycache__', '.preflight']);
const MAX_DEPTH = 3;

/** The store to read, and whether it was found on disk (false: it would be created empty). */
export function discoverStore(options: DiscoverOptions = {}): { location: StoreLocation; found: boolean } {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const named = options.store || env.PREFLIGHT_STORE;
  if (named) return { location: parseStoreLocation(named, cwd), found: true };
  const candidates = options.plan
    ? [path.join(path.dirname(path.resolve(cwd, options.plan)), DEFAULT_STORE_FILE)]
    : [path.join(cwd, DEFAULT_STORE_FILE)];
  for (const file of candidates)
    if (existsSync(file)) return { location: { kind: 'sqlite', file }, found: true };
  if (!options.plan) {
    const below = newest(findBelow(cwd, 0));
    if (below) return { location: { kind: 'sqlite', file: below }, found: true };
  }
  return { location: { kind: 'sqlite', file: candidates[0] as string }, found: false };
}

function findBelow(dir: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  const here = path.join(dir, DEFAULT_STORE_FILE);
  if (depth > 0 && existsSync(here)) found.push(here);
  for (const entry of entries) {
    if (!entry.isDirectory() || SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    found.push(...findBelow(path.join(dir, entry.name), depth + 1));
  }
  return found;
}

function newest(files: string[]): string | undefined {
  let best: { file: string; mtime: number } | undefined;
  for (const file of files) {
    // In WAL mode a write may touch only the `-wal` file until a checkpoint.
    const wal = `${file}-wal`;
    const mtime = Math.max(statSync(file).mtimeMs, existsSync(wal) ? statSync(wal).mtimeMs : 0);
    if (!best || mtime > best.mtime) best = { file, mtime };
  }
  return best?.file;
}
