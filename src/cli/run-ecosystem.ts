/**
 * What `preflight run` gains from the ecosystem features: `--var NAME=VALUE` (plan variables
 * from the command line), the GitHub Actions reporter, and the `tag` check after the verdict
 * (`--tag [VERSION]`, `--push`).
 */
import path from 'node:path';
import type { LoadedPlan } from '../plan/load.js';
import type { Redactor } from '../report/redact.js';
import type { Reporter } from '../report/reporter.js';
import type { RunResult } from '../result.js';
import { decideVerdict } from '../run/verdict.js';

/** The flags of `preflight run` handled here. */
export interface EcosystemFlags {
  /** `--var NAME=VALUE`, repeatable: overrides the plan's `variables`. */
  var?: string[];
  /** `--tag [VERSION]`: tag the release on GO (true: the plan's or pyproject's version). */
  tag?: string | boolean;
  /** `--push`: push the tag to origin. */
  push?: boolean;
}

/** Apply `--var` to the loaded plan; returns a usage error, if any. */
export function applyVariableFlags(
  loaded: LoadedPlan,
  assignments: string[] | undefined,
): string | undefined {
  if (!assignments || assignments.length === 0) return undefined;
  const variables: Record<string, string | number | boolean | null> = { ...(loaded.plan.variables ?? {}) };
  for (const assignment of assignments) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(assignment);
    if (!m) return `--var expects NAME=VALUE (got "${assignment}")`;
    const [name, value] = [m[1] as string, m[2] as string];
    // The base URL variable (its value is the service URL, as `import postman` writes it) moves the service too.
    const service = loaded.plan.service;
    if (
      service.url &&
      trimSlash(String(variables[name] ?? '')) === trimSlash(service.url) &&
      /^https?:\/\//.test(value)
    ) {
      service.url = trimSlash(value);
    }
    variables[name] = value;
  }
  loaded.plan.variables = variables;
  return undefined;
}

/**
 * The reporters the environment asks for: GitHub annotations and job summary in Actions.
 * The GitHub reporter only acts at the end of a run, so its module is loaded then.
 */
export function ecosystemReporters(redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Reporter[] {
  // Same test as report/github.ts's isGithubActions, kept here to not load that module.
  if (env.GITHUB_ACTIONS !== 'true') return [];
  return [
    {
      name: 'github',
      async onRunEnd(result: RunResult) {
        const { createGithubReporter } = await import('../report/github.js');
        const write = (text: string): unknown => process.stdout.write(text);
        await createGithubReporter({ env, redactor, write }).onRunEnd(result);
      },
    },
  ];
}

/**
 * With `--tag`, run the `tag` check after the verdict, add it to the result, and decide the
 * verdict again (a tag that could not be made turns GO into NO-GO).
 */
export async function applyTagStep(
  result: RunResult,
  flags: EcosystemFlags,
  loaded: LoadedPlan,
  recordDir: string | undefined,
): Promise<void> {
  if (!flags.tag) return;
  const { pyprojectVersion, runTagCheck } = await import('../ecosystem/release/tag.js');
  const { recordFileName } = await import('../report/record.js');
  const version =
    typeof flags.tag === 'string'
      ? flags.tag
      : (loaded.plan.service.version ?? (await pyprojectVersion(loaded.dir)));
  const recordFile = recordDir
    ? path.relative(process.cwd(), path.join(recordDir, recordFileName(result)))
    : undefined;
  const check = await runTagCheck(result, {
    pattern: loaded.plan.release?.tag ?? 'v{version}',
    version,
    dir: loaded.dir,
    recordFile,
    push: flags.push === true,
  });
  result.checks.push(check);
  // A skipped tag (NO-GO) leaves the verdict as it was decided, cancellation included.
  if (check.status !== 'skip') Object.assign(result, decideVerdict(result.checks));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The plan file to load: the file itself, or, for a Postman collection (`run --plan
 * shop.postman_collection.json`), the plan it converts to, written under `.preflight/imported/`.
 */
export async function planFileFor(file: string): Promise<string> {
  if (!file.endsWith('.json')) return file;
  const { readFile, mkdir, writeFile } = await import('node:fs/promises');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return file;
  }
  const schema = (value as { info?: { schema?: unknown } } | null)?.info?.schema;
  if (typeof schema !== 'string' || !schema.includes('getpostman.com')) return file;
  const { readCollection } = await import('../ecosystem/postman/collection.js');
  const { convertCollection } = await import('../ecosystem/postman/convert.js');
  const { renderPlan } = await import('../ecosystem/init/render.js');
  const converted = convertCollection(readCollection(value));
  const out = path.join(path.dirname(file), '.preflight', 'imported', `${path.basename(file, '.json')}.yaml`);
  for (const note of converted.notes) process.stderr.write(`not converted: ${note}\n`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    renderPlan(converted.plan, { planFile: out, header: [`Converted from ${file} by \`preflight run\`.`] }),
  );
  return out;
}
