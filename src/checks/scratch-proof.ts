/**
 * Scratch databases proven scratch. A check that writes to a database (the migrations
 * rehearsal, database.seed) writes only to one preflight created; but the tool that writes
 * (Alembic's env.py, a seed script) finds its database on its own: an env.py that builds its URL
 * from POSTGRES_SERVER / POSTGRES_DB ignores the DATABASE_URL preflight sets, and would migrate
 * the database of the shell's environment. So before the first statement, preflight places a
 * marker that only the scratch database has (a row in alembic_version, with a revision id no
 * project has), runs the tool's own read (`alembic current`) with the environment the tool
 * will run with, and goes on only when that read shows the marker. `alembic current` only
 * reads: on a wrong database it changes nothing.
 *
 *     const proof = await proveScratch({
 *       scratchUrl,                          // the database preflight created
 *       read: () => runAlembic(runner, ['current'], scratchUrl),   // the tool's own connection
 *       env, configFile: 'migrations/env.py', mapKey: 'database.migrations.env',
 *     });                                    // throws ScratchProofError when not proven
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Where the marker is written: a table with one text column (created, then dropped). */
export interface ScratchMarker {
  table: string;
  column: string;
}

/** Alembic's version table: `alembic current` prints (or fails on) the revision it holds. */
export const ALEMBIC_MARKER: ScratchMarker = { table: 'alembic_version', column: 'version_num' };

/** What the tool's own read printed. */
export interface ScratchRead {
  exit_code: number | null;
  output: string;
}

/** Options of `proveScratch`. */
export interface ScratchProofOptions {
  /** The scratch database preflight created: `postgresql://…` (any `+driver`) or `sqlite:///FILE`. */
  scratchUrl: string;
  /** The tool's own read of the database it will write to, with the environment it will run with. */
  read: () => Promise<ScratchRead>;
  /** Where the tool finds its database, named in the refusal (`migrations/env.py`). */
  configFile: string;
  /** The plan key that maps the tool's variables to the scratch database (`database.migrations.env`). */
  mapKey: string;
  /** The environment the tool runs with: its database-looking variables are named in the refusal. */
  env: Record<string, string | undefined>;
  /** Default ALEMBIC_MARKER. The table must not exist in the scratch database yet. */
  marker?: ScratchMarker;
}

/** The proof: the marker the tool's read showed, and how long proving took. */
export interface ScratchProof {
  marker: string;
  duration_ms: number;
}

/** The tool did not read the scratch database: nothing was run against any database. */
export class ScratchProofError extends Error {
  readonly code = 'SCRATCH_UNPROVEN';
  /** The end of what the tool's read printed. */
  readonly tail: string;
  constructor(message: string, tail: string) {
    super(message);
    this.name = 'ScratchProofError';
    this.tail = tail;
  }
}

/** Prove that the tool reads the scratch database; throws ScratchProofError when it does not. */
export async function proveScratch(options: ScratchProofOptions): Promise<ScratchProof> {
  const started = performance.now();
  const marker = `pfscratch_${randomBytes(8).toString('hex')}`;
  const where = options.marker ?? ALEMBIC_MARKER;
  await placeMarker(options.scratchUrl, where, marker);
  let read: ScratchRead;
  try {
    read = await options.read();
  } finally {
    await removeMarker(options.scratchUrl, where);
  }
  if (!read.output.includes(marker)) throw refusal(options, read);
  return { marker, duration_ms: Math.round((performance.now() - started) * 100) / 100 };
}

/** The parts of the scratch database, for `{scratch_url}`, `{scratch_name}`, `{scratch_host}`… */
export function scratchParts(scratchUrl: string): Record<string, string> {
  if (/^sqlite/i.test(scratchUrl)) {
    const file = scratchUrl.replace(/^sqlite(?:\+\w+)?:\/\/\//i, '');
    return { scratch_url: scratchUrl, scratch_name: file, scratch_file: file };
  }
  const url = new URL(scratchUrl.replace(/^postgres(ql)?\+\w+:/i, 'postgresql:'));
  return {
    scratch_url: scratchUrl,
    scratch_name: decodeURIComponent(url.pathname.slice(1)),
    scratch_host: url.hostname,
    scratch_port: url.port || '5432',
    scratch_user: decodeURIComponent(url.username),
    scratch_password: decodeURIComponent(url.password),
  };
}

/** `env` with `{scratch_*}` placeholders filled in from the scratch database's parts. */
export function fillScratchEnv(env: Record<string, string>, scratchUrl: string): Record<string, string> {
  const parts = scratchParts(scratchUrl);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    out[key] = value.replace(/\{(scratch_\w+)\}/g, (whole, name: string) => parts[name] ?? whole);
  return out;
}

/**
 * Services whose DSN or `_DB` setting names no SQL database a migration could run on: error
 * trackers (SENTRY_DSN), brokers (CELERY_BROKER_DSN, AMQP_DSN), caches (REDIS_DB, a Redis
 * index), search (ELASTICSEARCH_DSN). Seen in FastAPI projects' settings next to POSTGRES_*.
 */
const NOT_SQL_SERVICE =
  /(^|_)(SENTRY|GLITCHTIP|RAVEN|BUGSNAG|ROLLBAR|REDIS|VALKEY|MEMCACHED?|AMQP|RABBIT(MQ)?|CELERY|BROKER|KAFKA|NATS|ELASTIC(SEARCH)?|OPENSEARCH|MEILI(SEARCH)?)(_|$)/i;

/** Names of variables that look like database settings (POSTGRES_DB, PGHOST, DB_URL…). */
export function databaseVariables(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter(
      (k) =>
        env[k] !== undefined &&
        /^(PG|POSTGRES|MYSQL|DB_|DATABASE|SQL)|_(DB|DATABASE|DSN)(_|$)/i.test(k) &&
        !NOT_SQL_SERVICE.test(k),
    )
    .sort();
}

function refusal(options: ScratchProofOptions, read: ScratchRead): ScratchProofError {
  const suspects = databaseVariables(options.env).filter((k) => !/^PREFLIGHT_/.test(k));
  const parts =
    '{scratch_name}, {scratch_host}, {scratch_port}, {scratch_user}, {scratch_password}, {scratch_url}';
  const example = suspects.some((s) => s.startsWith('POSTGRES_'))
    ? '{ POSTGRES_SERVER: "{scratch_host}", POSTGRES_PORT: "{scratch_port}", POSTGRES_DB: "{scratch_name}", POSTGRES_USER: "{scratch_user}", POSTGRES_PASSWORD: "{scratch_password}" }'
    : '{ DB_NAME: "{scratch_name}" } or { SOME_URL: "{scratch_url}" }';
  const seen =
    suspects.length > 0 ? `; variables that may name another database: ${suspects.join(', ')}` : '';
  const failed = read.exit_code === 0 ? '' : ` (it exited ${read.exit_code ?? 'on a signal'})`;
  const tail = read.output.trim().split('\n').slice(-8).join('\n');
  return new ScratchProofError(
    `refused before any statement: ${options.configFile} does not connect to the scratch database preflight created` +
      ` (${scratchParts(options.scratchUrl).scratch_name}): its own read did not show the marker preflight placed there${failed},` +
      ` so it would run against another database${seen}. Map the variables ${options.configFile} reads to the scratch database in ${options.mapKey},` +
      ` e.g. ${options.mapKey.split('.').at(-1)}: ${example} (available: ${parts})`,
    tail,
  );
}

async function placeMarker(url: string, marker: ScratchMarker, value: string): Promise<void> {
  const table = quoteIdent(marker.table);
  const column = quoteIdent(marker.column);
  await onScratch(url, [
    `CREATE TABLE ${table} (${column} VARCHAR(64) NOT NULL PRIMARY KEY)`,
    `INSERT INTO ${table} (${column}) VALUES ('${value}')`,
  ]);
}

async function removeMarker(url: string, marker: ScratchMarker): Promise<void> {
  await onScratch(url, [`DROP TABLE IF EXISTS ${quoteIdent(marker.table)}`]);
}

/** Run statements on the scratch database itself (never on any other). */
async function onScratch(url: string, statements: string[]): Promise<void> {
  if (/^sqlite/i.test(url)) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(url.replace(/^sqlite(?:\+\w+)?:\/\/\//i, ''));
    try {
      for (const sql of statements) db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    connectionString: url.replace(/^postgres(ql)?\+\w+:/i, 'postgresql:'),
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
