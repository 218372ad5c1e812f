/**
 * Realistic data by default: `database.seed` fills a scratch database, never the service's
 * own, to the `realistic` volumes before the review. On PostgreSQL the scratch database is
 * created next to `database.url` (same server and credentials, empty: the seed creates the
 * schema) and dropped after; on SQLite it is an online copy of the service's file in the run
 * directory (a fresh file when there is none yet). The check's service then runs against it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { toMs } from '../../plan/duration.js';
import { type DatabaseConfig, seedSettings } from '../../plan/schema-database.js';
import { runCommand } from '../../process/process.js';
import type { CommandRun } from '../result.js';
import { scratchGuardEnv } from '../scratch-guard.js';
import { createPostgresScratch, type ScratchFailure } from '../scratch-postgres.js';
import { fillScratchEnv } from '../scratch-proof.js';

/** The seed command failed, or the scratch database could not be made: the check could not run. */
export class SeedError extends Error {
  readonly code: 'DATABASE_SEED_FAILED' | 'DATABASE_SCRATCH_FAILED' | 'DATABASE_SEED_UNSAFE';
  readonly tail: string;
  constructor(code: SeedError['code'], message: string, tail = '', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.tail = tail;
  }
}

/** A scratch database filled by the seed command. */
export interface SeededDatabase {
  kind: 'postgresql' | 'sqlite';
  /** The scratch database's URL, in the form of `database.url`. */
  url: string;
  /** The service's environment with the database pointed at the scratch one. */
  env: Record<string, string>;
  seed: CommandRun;
  /** How the scratch database was proven (the project's own tool read preflight's marker there). */
  proof?: { marker: string; duration_ms: number };
  drop: () => Promise<void>;
}

export interface SeedOptions {
  config: DatabaseConfig;
  /** `database.url`, rendered. */
  url: string;
  /** The service's environment, rendered. */
  serviceEnv: Record<string, string>;
  /** The service's working directory: the seed runs there, relative SQLite paths are resolved there. */
  cwd: string;
  runDir: string;
  signal: AbortSignal;
  /**
   * Proves, before the seed runs, that the project's own tool reads the scratch database with
   * the seed's environment (`proveScratch` through `alembic current`); throws when it does not.
   */
  prove?: (
    env: Record<string, string>,
    scratchUrl: string,
  ) => Promise<{ marker: string; duration_ms: number }>;
}

const TAIL_LINES = 30;

/** Create the scratch database and run the seed command against it. */
export async function seedScratchDatabase(options: SeedOptions): Promise<SeededDatabase> {
  const settings = seedSettings(options.config.seed as NonNullable<DatabaseConfig['seed']>);
  const scratch = await createScratch(options.url, options.cwd, options.runDir);
  try {
    const mapped = fillScratchEnv(settings.env ?? {}, scratch.url);
    const env = { ...pointAtScratch(options.serviceEnv, options.url, scratch.url), ...mapped };
    const unsafe = namesServiceDatabase({ ...process.env, ...env }, options.url, scratch.url);
    if (unsafe.length > 0) throw unsafeError(unsafe, options.url);
    // With the project's own tool at hand (Alembic), the scratch database is proven too: on
    // the empty scratch database, before the copy of the service's data lands in it.
    const proof = await options.prove?.(env, scratch.url);
    await scratch.fill();
    const started = performance.now();
    const outcome = await runCommand(settings.run, {
      cwd: options.cwd,
      // Its SQLAlchemy, if it has one, connects to the scratch database and nowhere else.
      env: {
        ...process.env,
        ...env,
        ...scratchGuardEnv(scratch.url, env.PYTHONPATH ?? process.env.PYTHONPATH),
      },
      timeoutMs: toMs(settings.timeout as `${number}s`),
      signal: options.signal,
    });
    const tail = outcome.output.split('\n').slice(-TAIL_LINES).join('\n');
    const seed: CommandRun = {
      command: settings.run,
      cwd: path.relative(process.cwd(), options.cwd) || '.',
      exit_code: outcome.exit_code,
      signal: outcome.signal,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      timed_out: outcome.timed_out,
      output_tail: tail,
    };
    if (outcome.exit_code !== 0) {
      const why = outcome.timed_out
        ? `timed out after ${settings.timeout}`
        : `exited ${outcome.exit_code ?? outcome.signal}`;
      throw new SeedError('DATABASE_SEED_FAILED', `database.seed \`${settings.run}\` ${why}`, tail);
    }
    return {
      kind: scratch.kind,
      url: scratch.url,
      drop: scratch.drop,
      env,
      seed,
      ...(proof ? { proof } : {}),
    };
  } catch (error) {
    await scratch.drop().catch(() => {});
    throw error;
  }
}

/**
 * The variables that still name the service's database once the URL is pointed at the scratch
 * one: its URL (in any form with the same host and database), its SQLite file, or (under a
 * database-looking name such as POSTGRES_DB) its database name. A seed or a service reading
 * those (an Alembic env.py that builds its URL from POSTGRES_*) would write to the service's
 * database, so the seed is refused before it runs.
 */
export function namesServiceDatabase(
  env: Record<string, string | undefined>,
  serviceUrl: string,
  scratchUrl: string,
): string[] {
  const target = describeDatabase(serviceUrl);
  if (!target) return [];
  return Object.entries(env)
    .filter(([key, value]) => {
      if (value === undefined || value === '' || value === scratchUrl) return false;
      if (value.includes(serviceUrl)) return true;
      if (target.kind === 'sqlite') return value.includes(target.name);
      const other = describeDatabase(value);
      if (other?.kind === 'postgresql') return other.name === target.name && other.host === target.host;
      return /DB|DATABASE|POSTGRES|PG|SQL/i.test(key) && value === target.name;
    })
    .map(([key, value]) => `${key}=${value}`);
}

function describeDatabase(url: string): { kind: 'postgresql' | 'sqlite'; name: string; host: string } | null {
  if (/^sqlite(\+\w+)?:\/\/\//i.test(url)) {
    const file = url.replace(/^sqlite(?:\+\w+)?:\/\/\//i, '').replace(/\?.*$/, '');
    return file ? { kind: 'sqlite', name: file.replace(/^\.\//, ''), host: '' } : null;
  }
  if (!/^postgres(ql)?(\+\w+)?:\/\//i.test(url)) return null;
  try {
    const parsed = new URL(url.replace(/^postgres(ql)?\+\w+:/i, 'postgresql:'));
    const name = decodeURIComponent(parsed.pathname.slice(1));
    const host = parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname;
    return name ? { kind: 'postgresql', name, host } : null;
  } catch {
    return null;
  }
}

function unsafeError(unsafe: string[], serviceUrl: string): SeedError {
  const names = unsafe.map((u) => u.split('=')[0]).join(', ');
  const database = describeDatabase(serviceUrl)?.name ?? serviceUrl;
  return new SeedError(
    'DATABASE_SEED_UNSAFE',
    `database.seed was not run: ${names} still name${unsafe.length === 1 ? 's' : ''} the service's database (${database}), so the seed (or an Alembic env.py that builds its URL from such variables) would write to it instead of the scratch database; map ${unsafe.length === 1 ? 'it' : 'them'} in database.seed.env, e.g. env: { ${names.split(', ')[0]}: "{scratch_name}" } (or "{scratch_url}")`,
  );
}

/**
 * The service's environment with every value that is the service's database URL replaced by
 * the scratch one; `DATABASE_URL` and `PREFLIGHT_DATABASE_URL` name it too.
 */
export function pointAtScratch(
  env: Record<string, string>,
  serviceUrl: string,
  scratchUrl: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) out[key] = value === serviceUrl ? scratchUrl : value;
  return { ...out, DATABASE_URL: scratchUrl, PREFLIGHT_DATABASE_URL: scratchUrl };
}

interface Scratch {
  kind: 'postgresql' | 'sqlite';
  url: string;
  /** SQLite: copy the service's file into the scratch one (PostgreSQL: nothing, the seed fills it). */
  fill: () => Promise<void>;
  drop: () => Promise<void>;
}

async function createScratch(url: string, cwd: string, runDir: string): Promise<Scratch> {
  if (/^postgres(ql)?(\+\w+)?:\/\//i.test(url))
    return {
      kind: 'postgresql',
      ...(await createPostgresScratch(url, 'preflight_seed_', scratchFailed)),
      fill: async () => {},
    };
  if (!/^sqlite(\+\w+)?:\/\/\//i.test(url))
    throw new SeedError(
      'DATABASE_SCRATCH_FAILED',
      'database.seed needs a postgresql:// or sqlite:/// database.url',
    );
  const source = path.resolve(cwd, url.replace(/^sqlite(?:\+\w+)?:\/\/\//i, '').replace(/\?.*$/, ''));
  const file = path.join(runDir, 'database', `seed-scratch-${randomBytes(4).toString('hex')}.db`);
  await mkdir(path.dirname(file), { recursive: true });
  const fill = async (): Promise<void> => {
    if (!existsSync(source)) return;
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      // The online backup API: a consistent copy even while the service writes to it.
      await db.backup(file);
    } finally {
      db.close();
    }
  };
  const drop = async (): Promise<void> => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
  };
  return { kind: 'sqlite', url: `sqlite:///${file}`, fill, drop };
}

/** The scratch PostgreSQL database could not be created or dropped. */
function scratchFailed({ verb, where, cause }: ScratchFailure): SeedError {
  return new SeedError(
    'DATABASE_SCRATCH_FAILED',
    `could not ${verb} the scratch database for database.seed on ${where}: ${(cause as Error).message}; the user of database.url must be allowed to create databases`,
    '',
    { cause },
  );
}
