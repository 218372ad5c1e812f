/**
 * What `preflight run` gains from the ecosystem features: `--var NAME=VALUE` (plan variables
 * from the command line), the GitHub Actions reporter, and the `tag` check after the verdict
 * (`--tag [VERSION]`, `--push`).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { LoadedPlan } from '../plan/load.js';
import type { Reporter } from '../report/reporter.js';
import { ownOutputs } from '../run/git.js';
import type { RunResult } from '../run/result.js';
import { decideVerdict } from '../run/verdict.js';
import type { Redactor } from '../secrets/redactor.js';

/** The flags of `preflight run` handled here. */
export interface EcosystemFlags {
  /** `--var NAME=VALUE`, repeatable: overrides the plan's `variables`. */
  var?: string[];
  /** `--tag [VERSION]`: tag the release on GO (true: the plan's or pyproject's version). */
  tag?: string | boolean;
  /** `--push`: push the tag to origin. */
  push?: boolean;
}

/**
 * Apply `--var` to the loaded plan (its variables and the critical paths' own); returns a
 * usage error, if any. A name the plan does not have is an error (with the closest one). The
 * base URL variable (`"{{ service.url }}"`, as `import postman` writes it) moves the service.
 */
export function applyVariableFlags(
  loaded: LoadedPlan,
  assignments: string[] | undefined,
): string | undefined {
  if (!assignments || assignments.length === 0) return undefined;
  const plan = loaded.plan;
  const variables: Record<string, string | number | bigint | boolean | null> = { ...(plan.variables ?? {}) };
  const known = new Set([
    ...Object.keys(variables),
    ...(plan.critical_paths ?? []).flatMap((p) => Object.keys(p.variables ?? {})),
  ]);
  for (const assignment of assignments) {
    const m = /^([^=\s]+)=(.*)$/s.exec(assignment);
    if (!m) return `--var expects NAME=VALUE (got "${assignment}")`;
    const value = m[2] as string;
    // A Postman name (`base-url`) is the plan's `base_url`.
    const name = known.has(m[1] as string)
      ? (m[1] as string)
      : (m[1] as string).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
    if (!known.has(name)) return unknownVariable(m[1] as string, known);
    const service = plan.service;
    const isBase =
      variables[name] === '{{ service.url }}' ||
      (service.url && trimSlash(String(variables[name] ?? '')) === trimSlash(service.url));
    if (isBase && /^https?:\/\//.test(value)) service.url = trimSlash(value);
    if (variables[name] !== '{{ service.url }}' && name in variables) variables[name] = value;
    for (const path of plan.critical_paths ?? [])
      if (path.variables && name in path.variables) path.variables[name] = value;
  }
  plan.variables = variables;
  return undefined;
}

function unknownVariable(name: string, known: Set<string>): string {
  const list = [...known];
  const guess = list.length ? closest(name, list) : undefined;
  const hint =
    guess && distance(name, guess) <= 3
      ? `did you mean "${guess}"?`
      : list.length
        ? `the plan's variables: ${list.join(', ')}`
        : 'the plan has no variables';
  return `--var ${name}: the plan has no variable "${name}" (${hint})`;
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
    ownPaths: ownOutputs(loaded),
  });
  result.checks.push(check);
  // A skipped tag (NO-GO) leaves the verdict as it was decided, cancellation included.
  if (check.status !== 'skip') Object.assign(result, decideVerdict(result.checks));
}

/**
 * `--tag` tags only a complete, clean run: refused (a usage error, exit 2) before anything
 * runs with `--only` or `--shard`, outside a git repository, or on a working tree with
 * uncommitted changes, untracked files that are not ignored included.
 */
export async function checkTagFlags(
  flags: EcosystemFlags & { only?: string | undefined; shard?: string | undefined },
  loaded: LoadedPlan,
): Promise<string | undefined> {
  if (!flags.tag) return flags.push ? '--push only goes with --tag' : undefined;
  if (flags.only)
    return `--tag tags a complete run: it cannot be combined with --only ${flags.only} (a release tagged after part of the checklist was not tested); run the whole plan`;
  if (flags.shard)
    return `--tag cannot be combined with --shard: run every shard, then tag the joined result with \`preflight merge --tag ... A.json B.json\``;
  const { listUncommitted } = await import('../run/git.js');
  const uncommitted = await listUncommitted(loaded.dir, { ownPaths: ownOutputs(loaded) });
  if (uncommitted === null)
    return `--tag: ${loaded.dir} is not in a git work tree, so there is nothing to tag`;
  if (uncommitted.length > 0) {
    const shown = uncommitted.slice(0, 10).join(', ');
    const more = uncommitted.length > 10 ? `, … ${uncommitted.length - 10} more` : '';
    return `--tag needs a clean working tree, and ${uncommitted.length} file${uncommitted.length === 1 ? ' is' : 's are'} uncommitted (untracked files count unless ignored): ${shown}${more}; commit them, or add them to .gitignore`;
  }
  return undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** What `run --plan COLLECTION` is given besides the collection. */
export interface CollectionFlags {
  environment?: string;
  globals?: string;
}

/**
 * The plan file to load: the file itself, or, for a Postman collection (`run --plan
 * shop.postman_collection.json`, or a v3 collection directory), the plan it converts to,
 * written under `.preflight/imported/` with its import report. Literal credentials taken out
 * of the collection are given to this run through the environment (never written).
 */
export async function planFileFor(file: string, flags: CollectionFlags = {}): Promise<string> {
  // A YAML file is a plan (a v3 collection is a directory): the Postman loader stays unloaded.
  if (/\.ya?ml$/.test(file) && (await isFile(file))) return file;
  const { isCollectionSource } = await import('../ecosystem/postman/load.js');
  if (!(await isCollectionSource(file))) return file;
  const { writeFile } = await import('node:fs/promises');
  const { makeDir } = await import('../plan/own-dir.js');
  const { convertFiles, renderImported, reportFileFor } = await import('./import.js');
  const { importReport } = await import('../ecosystem/postman/report.js');
  const converted = await convertFiles(file, {
    ...(flags.environment ? { env: flags.environment } : {}),
    ...(flags.globals ? { globals: flags.globals } : {}),
  });
  const base = path.basename(path.resolve(file)).replace(/\.json$/, '');
  const out = path.join(path.dirname(path.resolve(file)), '.preflight', 'imported', `${base}.yaml`);
  const reportFile = reportFileFor(out);
  await makeDir(path.dirname(out));
  await writeFile(out, renderImported(converted, { source: file, planFile: out, reportFile }));
  await writeFile(reportFile, importReport(converted, file));
  // The files given on the command line hold these values: this run uses them, unless the
  // environment sets them; they are registered for redaction when used.
  for (const [name, value] of [...converted.secretValues, ...converted.secrets]) process.env[name] ??= value;
  const t = converted.totals;
  process.stderr.write(
    `${file}: ${t.requests} requests, ${t.assertions} assertions (${t.converted} declarative, ${t.kept} kept as script); plan and report in ${path.relative(process.cwd(), path.dirname(out)) || '.'}\n`,
  );
  return out;
}

function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
