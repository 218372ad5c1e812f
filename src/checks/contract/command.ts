/**
 * How the `contract` check calls Schemathesis: which binary, and the `st run` command line.
 * Header values never enter the command text: each is passed in an environment variable that
 * the shell expands, so the recorded command shows only the variable's name.
 */
import path from 'node:path';
import { toMs } from '../../plan/duration.js';
import type { ContractConfig } from '../../plan/schema.js';
import { isExecutable, searchPath } from '../../process/which.js';

/** What to `pip install` (quoted for a shell): the 4.x releases whose reports the check reads. */
export const SCHEMATHESIS_REQUIREMENT = "'schemathesis>=4.32,<5'";

/**
 * How to install Schemathesis, said wherever it is missing: into the virtualenv next to the
 * plan when there is one (where preflight looks for `st` first), else into any Python on PATH.
 */
export async function installHint(planDir: string): Promise<string> {
  const pip = path.join(planDir, '.venv', 'bin', 'pip');
  const into = (await isExecutable(pip))
    ? `install it into the virtualenv next to the plan: .venv/bin/pip install ${SCHEMATHESIS_REQUIREMENT}`
    : `install it where preflight finds it: in a .venv next to the plan (.venv/bin/pip install ${SCHEMATHESIS_REQUIREMENT}), or with pip install ${SCHEMATHESIS_REQUIREMENT} into a Python whose st is on PATH`;
  return `${into}; or set contract.command to the st binary`;
}

/** Find the `st` binary: contract.command, else .venv/bin/st next to the plan, else st on PATH. */
export async function findSchemathesis(
  spec: ContractConfig,
  planDir: string,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  if (spec.command !== undefined) {
    if (spec.command.includes('/')) {
      const file = path.resolve(planDir, spec.command);
      return (await isExecutable(file)) ? file : null;
    }
    return searchPath(spec.command, env);
  }
  const local = path.join(planDir, '.venv', 'bin', 'st');
  if (await isExecutable(local)) return local;
  return searchPath('st', env);
}

/** Where the OpenAPI document is: a URL, or a file with the service's URL beside it. */
export function schemaLocation(
  schema: string,
  serviceUrl: string,
  planDir: string,
): { location: string; url?: string } {
  if (/^https?:\/\//.test(schema)) return { location: schema };
  if (schema.startsWith('/')) return { location: `${serviceUrl.replace(/\/+$/, '')}${schema}` };
  return { location: path.resolve(planDir, schema), url: serviceUrl };
}

export interface StCommandOptions {
  binary: string;
  spec: ContractConfig;
  location: { location: string; url?: string };
  headers: Record<string, string>;
  reportDir: string;
}

/** The file, in the report directory, that names the headers (`StCommand.config`). */
export const ST_CONFIG_FILE = 'preflight.schemathesis.toml';

/** How to run Schemathesis: the shell command, its environment, and its configuration file. */
export interface StCommand {
  command: string;
  /** The header values, by variable name: only here, never on a command line. */
  env: Record<string, string>;
  /**
   * The text of `ST_CONFIG_FILE` (to write into the report directory before running). It names
   * each header with `${VARIABLE}`, which Schemathesis substitutes from the environment: a value
   * on the command line would be readable by anyone on the machine (`ps`) for the whole run,
   * through the shell's expansion.
   */
  config: string;
}

/** The shell command, the environment carrying the header values, and the configuration naming them. */
export function buildStCommand(options: StCommandOptions): StCommand {
  const { spec } = options;
  const env: Record<string, string> = {};
  const args = ['run', options.location.location];
  if (options.location.url) args.push('--url', options.location.url);
  args.push('--max-examples', String(spec.max_examples), '--max-time', String(maxTimeSeconds(spec)));
  args.push('--workers', '1', '--no-color', '--report', 'junit,json');
  args.push('--report-junit-path', path.join(options.reportDir, 'contract.junit.xml'));
  args.push('--report-json-path', path.join(options.reportDir, 'contract.json'));
  // Hypothesis' example database would be written under the plan's directory: not ours to write.
  args.push('--generation-database', 'none');
  if (spec.rate_limit) args.push('--rate-limit', spec.rate_limit);
  if (spec.seed !== undefined) args.push('--seed', String(spec.seed));
  if (spec.phases) args.push('--phases', spec.phases.join(','));
  for (const op of spec.operations?.include ?? []) args.push('--include-name', op);
  for (const op of spec.operations?.exclude ?? []) args.push('--exclude-name', op);
  const headers = Object.entries(options.headers).map(([name, value], i) => {
    const variable = `PREFLIGHT_CONTRACT_HEADER_${i}`;
    env[variable] = value;
    // A TOML basic string is written like a JSON one: the name escaped, the value a reference.
    return `${JSON.stringify(name)} = "\${${variable}}"`;
  });
  // Always this file: a schemathesis.toml of the project (found from the working directory up)
  // would otherwise change the run behind the plan's back. The plan is the configuration.
  const config = `# Written by preflight for one contract run; header values come from the environment.\n${
    headers.length > 0 ? `headers = { ${headers.join(', ')} }\n` : ''
  }`;
  const global = ['--config-file', path.join(options.reportDir, ST_CONFIG_FILE)];
  return { command: [options.binary, ...global, ...args].map(shellQuote).join(' '), env, config };
}

/** The plan's max_time in whole seconds, at least 1 (Schemathesis' minimum). */
export function maxTimeSeconds(spec: ContractConfig): number {
  return Math.max(1, Math.ceil(toMs(spec.max_time) / 1000));
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
