/**
 * The plan cache: a plan that validated is kept, with the positions of its critical paths
 * and steps, in `.preflight/cache/` next to it. Loading the same text again with the same
 * build of preflight skips the YAML parser and the schema (zod), which are most of the
 * start-up of `validate` and `run`. Any change to the plan's text, its file name or
 * preflight's plan code misses the cache; errors are never cached.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import type { Diagnostic } from './diagnostic.js';
import type { LoadedPlan } from './load.js';
import { PlanNotFoundError } from './load-errors.js';
import { makeDirSync } from './own-dir.js';
import type { Plan } from './schema.js';
import type { SourceRef } from './source-ref.js';
import { type PathKey, YamlSource } from './yaml-source.js';

/** Bumped when the entry's shape changes. */
const FORMAT = 1;

interface CacheEntry {
  key: string;
  plan: Plan;
  warnings: Diagnostic[];
  /** SourceRefs of `critical_paths[i]` and `critical_paths[i].steps[j]`, by `refKey`. */
  refs: Record<string, SourceRef>;
}

/**
 * Read and validate a plan file like `loadPlan`, through the plan cache. Set
 * PREFLIGHT_PLAN_CACHE=off to always parse.
 */
export async function loadPlanCached(file: string, displayName = file): Promise<LoadedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanNotFoundError(displayName, error);
  }
  const absolute = path.resolve(file);
  if (process.env.PREFLIGHT_PLAN_CACHE === 'off') return parseFresh(text, absolute, displayName);
  const key = cacheKey(text, absolute, displayName);
  const where = cacheFile(absolute);
  const hit = readEntry(where, key);
  if (hit) return fromEntry(hit, text, absolute, displayName);
  const loaded = await parseFresh(text, absolute, displayName);
  writeEntry(where, toEntry(loaded, key));
  return loaded;
}

async function parseFresh(text: string, file: string, displayName: string): Promise<LoadedPlan> {
  const { parsePlan } = await import('./load.js');
  return parsePlan(text, { file, displayName });
}

function fromEntry(entry: CacheEntry, text: string, file: string, displayName: string): LoadedPlan {
  const source = new YamlSource(displayName, text);
  return {
    plan: entry.plan,
    file,
    dir: path.dirname(file),
    hash: textHash(text),
    source,
    warnings: entry.warnings,
    // Positions outside the cached ones parse the YAML on first use.
    locate: (at) => entry.refs[refKey(at)] ?? source.ref(at),
  };
}

function toEntry(loaded: LoadedPlan, key: string): CacheEntry {
  const refs: Record<string, SourceRef> = {};
  (loaded.plan.critical_paths ?? []).forEach((p, i) => {
    const at: PathKey[] = ['critical_paths', i];
    refs[refKey(at)] = loaded.locate(at);
    for (let j = 0; j < p.steps.length; j++)
      refs[refKey([...at, 'steps', j])] = loaded.locate([...at, 'steps', j]);
  });
  return { key, plan: loaded.plan, warnings: loaded.warnings, refs };
}

function refKey(at: readonly PathKey[]): string {
  return at.join('\u0000');
}

function readEntry(file: string, key: string): CacheEntry | null {
  try {
    // JSON, not v8.serialize: JSON.parse is several times faster for plain data like this.
    const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    return entry?.key === key ? entry : null;
  } catch {
    return null;
  }
}

/** Best effort: a plan directory that cannot be written just goes without a cache. */
function writeEntry(file: string, entry: CacheEntry): void {
  if (!isJsonData(entry.plan)) return;
  try {
    makeDirSync(path.dirname(file));
    // Written aside and renamed, so that concurrent runs never read half an entry.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // no cache this time
  }
}

/** Whether JSON keeps `value` as it is (YAML's `.inf`, `.nan` would not survive). */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonData);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value).every(isJsonData);
  return false;
}

function cacheFile(absolutePlan: string): string {
  const name = `${path.basename(absolutePlan).replace(/[^A-Za-z0-9._-]/g, '_')}-${textHash(absolutePlan).slice(0, 8)}.plan-cache`;
  return path.join(path.dirname(absolutePlan), '.preflight', 'cache', name);
}

function cacheKey(text: string, absolutePlan: string, displayName: string): string {
  return createHash('sha256')
    .update(`${FORMAT}\u0000${VERSION}\u0000${codeStamp()}\u0000${absolutePlan}\u0000${displayName}\u0000`)
    .update(text)
    .digest('hex');
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

let stamp: string | undefined;

/**
 * A hash of preflight's plan modules (schema, semantics, templates): a change to any of them
 * misses the cache. Contents, not times, since a rebuild rewrites every file.
 */
function codeStamp(): string {
  if (stamp === undefined) {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    const hash = createHash('sha256');
    for (const name of readdirSync(dir).sort()) {
      if (!/\.[cm]?[jt]s$/.test(name) || name.endsWith('.d.ts')) continue;
      hash.update(name).update(readFileSync(path.join(dir, name)));
    }
    stamp = hash.digest('hex');
  }
  return stamp;
}
