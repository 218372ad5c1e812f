/**
 * The `database.migrations` section `init` writes for an Alembic project: the URL its env.py
 * reads, or, for an env.py that builds the URL from `POSTGRES_*` parts (as the FastAPI
 * full-stack template does through its settings), the server built from those parts and an
 * `env` mapping each part to the scratch database's, so the rehearsal never reaches the
 * database those variables name. The database review (`capture`) stays off: it needs data
 * at a realistic volume, which init cannot know how to make.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { hasOfflineMode, OFFLINE_MODE_HINT } from '../../checks/migrations/alembic.js';

/** The part variables an env.py may read, and the scratch placeholder each one maps to. */
const PARTS: Record<string, string> = {
  SERVER: '{scratch_host}',
  HOST: '{scratch_host}',
  PORT: '{scratch_port}',
  USER: '{scratch_user}',
  PASSWORD: '{scratch_password}',
  DB: '{scratch_name}',
  NAME: '{scratch_name}',
};

/**
 * What init adds for Alembic: the plan's `database` section and a line saying what was found,
 * or, when it writes none, a line saying why and what to do (for init's output).
 */
export type DetectedMigrations =
  | { database: Record<string, unknown>; found: string; notWritten?: undefined }
  | { database?: undefined; found?: undefined; notWritten: string };

const NOT_WRITTEN = 'no migrations check:';

/**
 * The section for the Alembic project at `dir` (its `alembic.ini`), or why there is none.
 * `sources` are the project's Python files (env.py's settings may live anywhere in them).
 */
export async function detectAlembic(
  dir: string,
  sources: { file: string; text: string }[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<DetectedMigrations> {
  const ini = await readFile(path.join(dir, 'alembic.ini'), 'utf8').catch(() => undefined);
  if (ini === undefined)
    return { notWritten: `${NOT_WRITTEN} no alembic.ini here (preflight rehearses Alembic migrations)` };
  const location = /^script_location\s*=\s*(\S+)/m.exec(ini)?.[1]?.replace(/%\(here\)s\/?/, '');
  const envPy = location ? path.join(location, 'env.py') : undefined;
  if (!envPy || !existsSync(path.join(dir, envPy)))
    return {
      notWritten: `${NOT_WRITTEN} alembic.ini's script_location (${location ?? 'not set'}) holds no env.py`,
    };
  const envText = await readFile(path.join(dir, envPy), 'utf8');
  // The migrations lint renders offline SQL: an env.py that always connects cannot, and a
  // blocking check that can never run helps nobody.
  if (!hasOfflineMode(envText))
    return {
      notWritten: `${NOT_WRITTEN} ${envPy} has no offline mode (no context.is_offline_mode() branch: it always runs its migrations online); ${OFFLINE_MODE_HINT}, then run init again`,
    };
  const text = sources.map((s) => s.text).join('\n');
  const parts = new Map<string, string>();
  for (const m of text.matchAll(/\bPOSTGRES_(SERVER|HOST|PORT|USER|PASSWORD|DB|NAME)\b/g)) {
    const key = m[1] === 'NAME' ? 'DB' : (m[1] as string);
    if (!parts.has(key)) parts.set(key, m[0]);
  }
  const host = parts.get('SERVER') ?? parts.get('HOST');
  // A plan that names a variable nobody set cannot run: without them, say what to do instead.
  const unset = (names: string[]) => names.filter((n) => env[n] === undefined);
  if (host && parts.has('USER') && parts.has('DB')) {
    const missing = unset([host, parts.get('USER') as string, parts.get('DB') as string]);
    if (missing.length > 0)
      return {
        notWritten: `${NOT_WRITTEN} Alembic (${envPy}) with its URL from ${[...parts.values()].join(', ')}, but ${missing.join(', ')} not set here: ${await howToSet(dir, sources, missing)} (README: database.migrations.env)`,
      };
    const v = (key: string, fallback: string) => {
      const name = parts.get(key);
      return name ? `{{ env.${name} ?? '${fallback}' }}` : fallback;
    };
    const password = parts.get('PASSWORD');
    const secret = password ? `:{{ secrets.${password} ?? '' }}` : '';
    const url = `postgresql://{{ env.${parts.get('USER')} }}${secret}@{{ env.${host} }}:${v('PORT', '5432')}/{{ env.${parts.get('DB')} }}`;
    const env = Object.fromEntries(
      [...parts.values()].map((name) => [name, PARTS[name.split('_')[1] as string]]),
    );
    return {
      database: { url, capture: false, migrations: { env } },
      found: `Alembic (${envPy}) with its URL from ${[...parts.values()].join(', ')}: a migrations check, those variables mapped to a scratch database`,
    };
  }
  const urlEnv = /\b(DATABASE_URL|SQLALCHEMY_DATABASE_URI|DB_URL)\b/.exec(text)?.[1];
  if (!urlEnv)
    return {
      notWritten: `${NOT_WRITTEN} Alembic (${envPy}), but no DATABASE_URL (or POSTGRES_* parts) found in the source for its URL; write database: { url, migrations: alembic } by hand (README: Migration safety)`,
    };
  if (unset([urlEnv]).length > 0)
    return {
      notWritten: `${NOT_WRITTEN} Alembic (${envPy}) reading ${urlEnv}, which is not set here: ${await howToSet(dir, sources, [urlEnv])}`,
    };
  return {
    database: {
      url: `{{ env.${urlEnv} }}`,
      capture: false,
      migrations: urlEnv === 'DATABASE_URL' ? 'alembic' : { url_env: urlEnv },
    },
    found: `Alembic (${envPy}) with its URL from ${urlEnv}: a migrations check on a scratch database`,
  };
}

/**
 * What to do about variables that are not set here. An app whose settings read a dotenv file
 * (pydantic-settings' `env_file`, e.g. `env_file="../.env"` in the FastAPI full-stack template)
 * has them there, where the app finds them and preflight does not: say so, and how to export
 * them. `env_file` is relative to where the app runs, taken here as `dir`.
 */
async function howToSet(
  dir: string,
  sources: { file: string; text: string }[],
  missing: string[],
): Promise<string> {
  const fallback = `set ${missing.length === 1 ? 'it' : 'them'} and run init again`;
  const declared = /\benv_file\s*=\s*(\([^)]*\)|\[[^\]]*\]|["'][^"']+["'])/.exec(
    sources.map((s) => s.text).join('\n'),
  )?.[1];
  if (!declared) return fallback;
  for (const [, file] of declared.matchAll(/["']([^"']+)["']/g)) {
    if (!file) continue;
    const text = await readFile(path.resolve(dir, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let values: Record<string, string>;
    try {
      values = parseEnv(text) as Record<string, string>;
    } catch {
      continue;
    }
    if (!missing.every((name) => values[name] !== undefined)) continue;
    return `${missing.length === 1 ? 'it is' : 'they are'} in ${file} (the app's settings read it: env_file), which preflight does not read; export ${missing.length === 1 ? 'it' : 'them'} (set -a; . ${file}; set +a) and run init again, and run preflight from that shell too`;
  }
  return fallback;
}
