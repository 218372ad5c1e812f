/**
 * The `lint` and `unit` checks `init` writes from a project's configuration (ruff, pytest),
 * and, for each one it does not write, a line saying why and what to add: a project that lints
 * with flake8, or whose tests/ are not configured for pytest, is told so instead of left to
 * notice a missing check. A unit check is never written for unconfigured tests: a test suite
 * may empty or drop the database it is configured with.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** What init writes under `checks`, and what it says about each check. */
export interface DetectedChecks {
  checks: Record<string, Record<string, unknown>>;
  /** `ruff configured: a lint check`. */
  found: string[];
  /** `no unit check: tests/ found but …; add checks.unit: …`. */
  notWritten: string[];
}

/** Where flake8 and pylint read their configuration: file, and the section that names the tool. */
const OTHER_LINTERS: { tool: string; file: string; section: RegExp }[] = [
  { tool: 'flake8', file: '.flake8', section: /^\[flake8\]/m },
  { tool: 'flake8', file: 'setup.cfg', section: /^\[flake8\]/m },
  { tool: 'flake8', file: 'tox.ini', section: /^\[flake8\]/m },
  { tool: 'flake8', file: 'pyproject.toml', section: /^\[tool\.flake8\]/m },
  { tool: 'pylint', file: '.pylintrc', section: /^/ },
  { tool: 'pylint', file: 'pylintrc', section: /^/ },
  { tool: 'pylint', file: 'pyproject.toml', section: /^\[tool\.pylint[\].]/m },
];

/** Where pytest reads its configuration besides pyproject.toml and pytest.ini. */
const OTHER_PYTEST: { file: string; section: RegExp }[] = [
  { file: 'setup.cfg', section: /^\[tool:pytest\]/m },
  { file: 'tox.ini', section: /^\[pytest\]/m },
];

/**
 * The lint and unit checks for the project at `dir`; `bin` names a tool as the project runs it
 * (`.venv/bin/ruff` with a project virtualenv).
 */
export async function detectChecks(dir: string, bin: (tool: string) => string): Promise<DetectedChecks> {
  const read = (file: string) => readFile(path.join(dir, file), 'utf8').catch(() => undefined);
  const pyproject = (await read('pyproject.toml')) ?? '';
  const out: DetectedChecks = { checks: {}, found: [], notWritten: [] };
  const ruff = ['ruff.toml', '.ruff.toml'].some((f) => existsSync(path.join(dir, f)));
  if (/^\[tool\.ruff[\].]/m.test(pyproject) || ruff) {
    out.checks.lint = { run: `${bin('ruff')} check --output-format=json .`, parse: 'ruff' };
    out.found.push('ruff configured: a lint check');
  } else {
    out.notWritten.push(await lintNotWritten(read, bin));
  }
  if (/^\[tool\.pytest[\].]/m.test(pyproject) || existsSync(path.join(dir, 'pytest.ini'))) {
    out.checks.unit = { run: `${bin('pytest')} -q --junitxml={junit}`, parse: 'junit', timeout: '10m' };
    out.found.push('pytest configured: a unit check');
  } else {
    out.notWritten.push(await unitNotWritten(dir, read, bin));
  }
  return out;
}

type Read = (file: string) => Promise<string | undefined>;

async function lintNotWritten(read: Read, bin: (tool: string) => string): Promise<string> {
  for (const { tool, file, section } of OTHER_LINTERS) {
    const text = await read(file);
    if (text === undefined || !section.test(text)) continue;
    return `no lint check: the project lints with ${tool} (${file}), whose output preflight does not parse; add checks.lint: { run: "${bin(tool)} ." } (its exit code decides)`;
  }
  return `no lint check: no ruff configuration (pyproject.toml [tool.ruff], ruff.toml) and no flake8 or pylint one; add checks.lint: { run: "<the project's lint command>" } if it has one (with ruff: { run: "${bin('ruff')} check --output-format=json .", parse: ruff })`;
}

async function unitNotWritten(dir: string, read: Read, bin: (tool: string) => string): Promise<string> {
  const add = `add checks.unit: { run: "${bin('pytest')} -q --junitxml={junit}", parse: junit } only if they run against a disposable database (a test suite may empty or drop the database it is configured with)`;
  for (const { file, section } of OTHER_PYTEST) {
    const text = await read(file);
    if (text !== undefined && section.test(text))
      return `no unit check: pytest is configured in ${file}, which init does not read; ${add}`;
  }
  const tests = await findTestsDir(dir);
  if (tests)
    return `no unit check: ${tests}/ found but pytest is not configured in pyproject.toml ([tool.pytest.ini_options]) or pytest.ini; ${add}`;
  return `no unit check: no tests/ and no pytest configuration found; once there are tests, ${add}`;
}

const TESTS_DIR = /^tests?$/;
const SKIP = new Set(['.venv', 'venv', 'node_modules', '.git', '.preflight', '__pycache__']);

/** The first `tests/` (or `test/`) holding Python files, two levels down at most (`app/tests`). */
async function findTestsDir(dir: string, rel = '', depth = 0): Promise<string | undefined> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  const subdirs = entries.filter((e) => e.isDirectory() && !SKIP.has(e.name)).map((e) => e.name);
  for (const name of subdirs.filter((n) => TESTS_DIR.test(n)).sort()) {
    const sub = rel ? `${rel}/${name}` : name;
    const files = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
    if (files.some((f) => f.endsWith('.py'))) return sub;
  }
  if (depth >= 1) return undefined;
  for (const name of subdirs.sort()) {
    const found = await findTestsDir(dir, rel ? `${rel}/${name}` : name, depth + 1);
    if (found) return found;
  }
  return undefined;
}
