/**
 * Where the history is and how to open it: `--store` or `PREFLIGHT_STORE` (a PostgreSQL URL or
 * a SQLite file), else `.preflight/history.db` next to the plan. Drivers are loaded only here,
 * and only the one needed, so that commands that do not touch the history start fast.
 */
import path from 'node:path';
import type { RunStore } from './types.js';

/** The store's file name inside the plan's `.preflight/` folder. */
export const DEFAULT_STORE_FILE = path.join('.preflight', 'history.db');

/** A resolved store location. */
export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };

/** Whether `text` names a PostgreSQL database. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** A location from `--store`/`PREFLIGHT_STORE` (relative files from `cwd`). */
export function parseStoreLocation(text: string, cwd: string = process.cwd()): StoreLocation {
  if (isPostgresUrl(text)) return { kind: 'postgres', url: text };
  return { kind: 'sqlite', file: path.resolve(cwd, text) };
}

/** The store of a run: the explicit one, else `PREFLIGHT_STORE`, else next to the plan. */
export function storeLocationFor(
  planDir: string,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): StoreLocation {
  const named = explicit || env.PREFLIGHT_STORE;
  if (named) return parseStoreLocation(named);
  return { kind: 'sqlite', file: path.join(planDir, DEFAULT_STORE_FILE) };
}

/** Open (and migrate) the store at `location`, loading its driver. */
export async function openStore(location: StoreLocation): Promise<RunStore> {
  if (location.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(location.url);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(location.file);
}

/** For messages: a file relative to the working directory, a URL with its password masked. */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === 'sqlite') return path.relative(process.cwd(), location.file) || location.file;
  try {
    const url = new URL(location.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
