/**
 * Finding a FastAPI app in a directory for `init`: the `uvicorn`/`fastapi` command of its
 * Dockerfile, Procfile or scripts, else the module that assigns `FastAPI(...)`; its
 * `openapi_url` as the source spells it (f-strings of simple constants resolved); the lint
 * and unit checks `pyproject.toml` configures (checks.ts) and the migrations check of an
 * Alembic project (migrations.ts), or why each is not written.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMATHESIS_REQUIREMENT } from '../../checks/contract/command.js';
import { detectChecks } from './checks.js';
import { type DetectedMigrations, detectAlembic } from './migrations.js';

/** What `init` learnt about the app from its files. */
export interface DetectedApp {
  /** `app.main:app`. */
  target: string;
  /** The command that starts it on `{port}`. */
  start: string;
  /** The OpenAPI path the source sets (`openapi_url`), when it can be read. */
  openapi?: string;
  /** Command checks for the plan (`lint`, `unit`). */
  checks: Record<string, Record<string, unknown>>;
  /** The word before the token in `Authorization` that the source names (`jwt_token_prefix = "Token"`). */
  tokenPrefix?: string;
  /** The `database` section for an Alembic project (migrations lint and rehearsal). */
  database?: DetectedMigrations['database'];
  /** What was found where, in words (for init's output). */
  found: string[];
  /** Each check (lint, unit, migrations) init did not write: why, and what to add (for init's output). */
  notWritten: string[];
}

const SKIP_DIRS = new Set([
  '.venv',
  'venv',
  'node_modules',
  '.git',
  '__pycache__',
  '.preflight',
  'dist',
  'build',
]);
const COMMAND_FILES = ['Dockerfile', 'Procfile', 'docker-compose.yml', 'compose.yml', 'Makefile'];
/** How init's contract suggestion begins (init.ts adds what to exclude once it has the document). */
const CONTRACT_HINT = 'no contract check:';
const SCRIPT_DIRS = ['scripts', 'deploy', 'bin'];
const MAX_DEPTH = 4;

/** The FastAPI app under `dir`, or undefined when there is none. */
export async function detectFastApiApp(dir: string): Promise<DetectedApp | undefined> {
  const files = await pythonFiles(dir);
  const found: string[] = [];
  const fromCommand = await targetFromCommands(dir);
  let target = fromCommand?.target;
  if (target) found.push(`the app ${target} from ${fromCommand?.file}`);
  const sources = await Promise.all(
    files.map(async (file) => ({ file, text: await readFile(path.join(dir, file), 'utf8').catch(() => '') })),
  );
  const appFile = target ? fileOfTarget(target, sources) : findAppFile(sources);
  if (!target && appFile) {
    target = `${appFile.file.replace(/\.py$/, '').split('/').join('.')}:${appFile.variable}`;
    found.push(`the app ${target} (FastAPI() in ${appFile.file})`);
  }
  if (!target) return undefined;
  // With a project venv its tools belong there, installed or not (a missing one is then an
  // install hint naming the venv, not whatever `pytest` happens to be on PATH).
  const venv = existsSync(path.join(dir, '.venv', 'bin', 'python'));
  const bin = (tool: string): string =>
    venv || existsSync(path.join(dir, '.venv', 'bin', tool)) ? `.venv/bin/${tool}` : tool;
  const app: DetectedApp = {
    target,
    start: `${bin('uvicorn')} ${target} --host 127.0.0.1 --port {port}`,
    checks: {},
    found,
    notWritten: [],
  };
  const openapi = appFile ? openapiUrlOf(appFile.text, sources) : undefined;
  if (openapi) {
    app.openapi = openapi;
    found.push(`openapi_url ${openapi} in ${appFile?.file}`);
  }
  const prefix = tokenPrefixOf(sources);
  if (prefix) {
    app.tokenPrefix = prefix.word;
    found.push(`the token prefix "${prefix.word}" in ${prefix.file}`);
  }
  const checks = await detectChecks(dir, bin);
  app.checks = checks.checks;
  found.push(...checks.found);
  app.notWritten.push(...checks.notWritten);
  // Contract fuzzing is suggested, not written: as the signed-up user, the operations only an
  // administrator may use answer 403 to every case (seen on a public FastAPI template: 4 of 23),
  // so they would be fuzzed only up to their refusal (a warning in the summary), and which
  // operations those are, and who may use them, is the team's to say.
  const schema = openapi ?? '/openapi.json';
  const install = existsSync(path.join(dir, '.venv', 'bin', 'st'))
    ? ''
    : `\`${bin('pip')} install ${SCHEMATHESIS_REQUIREMENT}\`, then `;
  app.notWritten.push(
    `${CONTRACT_HINT} ${install}add contract: { schema: ${schema} } to fuzz every operation from the OpenAPI document as auth.default; operations only an administrator may use need contract.auth (an admin in auth.users) or contract.operations.exclude`,
  );
  const alembic = await detectAlembic(dir, sources);
  if (alembic.database) {
    app.database = alembic.database;
    found.push(alembic.found);
  } else app.notWritten.push(alembic.notWritten);
  return app;
}

/**
 * The operations a contract fuzzer running as a signed-in user would use to delete that user,
 * change how it logs in, or end its token: after one of them, every case runs with a dead token.
 * - `DELETE …/me`; `PUT`/`PATCH …/me`, which may change its e-mail; a write to `…/me/password`.
 *   Seen on a public FastAPI template: DELETE /users/me, and with it excluded, PATCH /users/me
 *   (the user could not log in after the run); with the three excluded, it could.
 * - `PUT`/`PATCH`/`DELETE …/users/{id}` (or accounts, members): run as an admin, the fuzzer finds
 *   its own id in a listing (seen on the same template: PATCH /users/{user_id} renamed the admin
 *   and took away its superuser flag); as a plain user they only answer 403, so nothing is lost.
 * - `…/logout`, `…/signout`, `…/revoke`, whatever the method (apps log out on GET too): a logout
 *   revokes the token.
 */
export function selfDestructiveOperations(keys: string[]): string[] {
  return keys.filter((key) => {
    const [method = '', route = ''] = key.split(' ');
    const segments = route.split('/').filter(Boolean);
    const last = segments.at(-1) ?? '';
    const writes = method === 'DELETE' || method === 'PUT' || method === 'PATCH';
    if (/^(logout|log-out|signout|sign-out|revoke)$/.test(last)) return true;
    if (/^\{[^}]+\}$/.test(last) && /^(users|accounts|members)$/.test(segments.at(-2) ?? '')) return writes;
    const me = segments.lastIndexOf('me');
    if (me < 0) return false;
    if (me === segments.length - 1) return writes;
    return method !== 'GET' && segments[me + 1] === 'password' && me + 2 === segments.length;
  });
}

/** The contract suggestion with `exclude` in its `contract.operations.exclude`. */
export function contractHintExcluding(line: string, exclude: string[]): string {
  if (exclude.length === 0 || !line.startsWith(CONTRACT_HINT)) return line;
  const list = exclude.map((k) => JSON.stringify(k)).join(', ');
  return line
    .replace(
      /add contract: \{ schema: (\S+) \}/,
      `add contract: { schema: $1, operations: { exclude: [${list}] } }`,
    )
    .concat(
      ` (excluded: as auth.default they could delete the user, change its e-mail, password or rights, or revoke its token, and every later case would run with a dead token)`,
    );
}

/**
 * A token prefix the source declares: a setting or constant named like `token_prefix`
 * (`jwt_token_prefix: str = "Token"`, `TOKEN_PREFIX = "JWT"`). Bearer is the default otherwise.
 */
function tokenPrefixOf(
  sources: { file: string; text: string }[],
): { word: string; file: string } | undefined {
  for (const { file, text } of sources) {
    const m = /\b\w*token_prefix\w*\s*(?::[^=\n]*)?=\s*["']([A-Za-z]+)["']/i.exec(text);
    if (m) return { word: m[1] as string, file };
  }
  return undefined;
}

/** `.py` files under `dir` (relative, `/`-separated), tests and virtualenvs left out. */
async function pythonFiles(dir: string, rel = '', depth = 0): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    const sub = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !/^tests?$/.test(entry.name))
      out.push(...(await pythonFiles(dir, sub, depth + 1)));
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(sub);
  }
  return out.sort();
}

/** `uvicorn app.main:app` or `fastapi run app/main.py` in the files that start services. */
async function targetFromCommands(dir: string): Promise<{ target: string; file: string } | undefined> {
  const files = [...COMMAND_FILES];
  for (const sub of SCRIPT_DIRS) {
    const names = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
    files.push(...names.filter((f) => f.endsWith('.sh')).map((f) => `${sub}/${f}`));
  }
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8').catch(() => '');
    const uvicorn = /\buvicorn["',\s]+(?:\S*\s+)*?["']?([A-Za-z_][\w.]*:[A-Za-z_]\w*)/.exec(text);
    if (uvicorn?.[1]) return { target: uvicorn[1], file };
    const fastapi = /\bfastapi["',\s]+(?:run|dev)["',\s]+["']?([\w/]+)\.py/.exec(text);
    if (fastapi?.[1]) return { target: `${fastapi[1].split('/').join('.')}:app`, file };
  }
  return undefined;
}

interface Source {
  file: string;
  text: string;
}

/** The file that assigns `NAME = FastAPI(`, main.py and app.py first. */
function findAppFile(sources: Source[]): (Source & { variable: string }) | undefined {
  const rank = (file: string): number =>
    (/(^|\/)(main|app)\.py$/.test(file) ? 0 : 1) + file.split('/').length;
  const hits = sources
    .map((s) => ({
      ...s,
      variable: appVariable(s.text) ?? '',
    }))
    .filter((s) => s.variable !== '');
  return hits.sort((a, b) => rank(a.file) - rank(b.file))[0];
}

/**
 * The module-level name of the app: `app = FastAPI(...)`, or, when FastAPI() is called inside a
 * factory, the module-level `app = create_app()`.
 */
function appVariable(text: string): string | undefined {
  const direct = /^([A-Za-z_]\w*)\s*(?::\s*FastAPI\s*)?=\s*FastAPI\(/m.exec(text)?.[1];
  if (direct) return direct;
  if (!/^\s+[A-Za-z_]\w*\s*(?::\s*FastAPI\s*)?=\s*FastAPI\(/m.test(text)) return undefined;
  return /^(app|application|api)\s*=\s*[A-Za-z_][\w.]*\(/m.exec(text)?.[1];
}

function fileOfTarget(target: string, sources: Source[]): (Source & { variable: string }) | undefined {
  const [module, variable = 'app'] = target.split(':');
  const file = `${(module ?? '').split('.').join('/')}.py`;
  const source = sources.find((s) => s.file === file);
  return source ? { ...source, variable } : undefined;
}

/** `openapi_url="/x"` or `openapi_url=f"{settings.API_V1_STR}/openapi.json"`, resolved. */
function openapiUrlOf(text: string, sources: Source[]): string | undefined {
  const m = /openapi_url\s*=\s*(f?)(["'])(.*?)\2/.exec(text);
  if (!m) return undefined;
  const [, f, , raw = ''] = m;
  if (!f) return raw.startsWith('/') ? raw : undefined;
  let unresolved = false;
  const value = raw.replace(/\{([^}]+)\}/g, (_, expr: string) => {
    const name = expr.trim().split('.').pop() ?? '';
    const resolved = constantOf(name, sources);
    if (resolved === undefined) unresolved = true;
    return resolved ?? '';
  });
  return unresolved || !value.startsWith('/') ? undefined : value;
}

/** The string a simple assignment `NAME = "..."` (or `NAME: str = "..."`) gives, anywhere. */
function constantOf(name: string, sources: Source[]): string | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const pattern = new RegExp(`^\\s*${name}\\s*(?::\\s*[\\w\\[\\] |]+)?=\\s*(["'])([^"'{}]*)\\1`, 'm');
  for (const s of sources) {
    const m = pattern.exec(s.text);
    if (m) return m[2];
  }
  return undefined;
}
