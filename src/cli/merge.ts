/**
 * `preflight merge`: join the JSON results of `--shard i/n` runs into one verdict, one JSON
 * result and one launch record.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonResult } from '../report/json.js';
import { writeJunit } from '../report/junit.js';
import { MergeError, mergeResults, type NamedResult } from '../report/merge.js';
import { writeRecord } from '../report/record.js';
import type { RunResult } from '../run/result.js';
import { Redactor } from '../secrets/redactor.js';
import { EXIT } from './exit-codes.js';
import { checkOutputPaths } from './output-paths.js';
import { ecosystemReporters } from './run-ecosystem.js';
import { stdoutTerminal } from './stdout-reporters.js';

/** Flags of `preflight merge`. */
export interface MergeFlags {
  json?: string;
  junit?: string;
  record?: string | boolean;
  color?: boolean;
  tag?: string | boolean;
  push?: boolean;
  plan?: string;
}

/** Merge shard results; the exit code is the merged verdict's. */
export async function mergeCommand(files: string[], flags: MergeFlags): Promise<number> {
  const outputs = checkOutputPaths(
    [
      ...(flags.json ? [{ flag: '--json', path: flags.json }] : []),
      ...(flags.junit ? [{ flag: '--junit', path: flags.junit }] : []),
      ...(flags.record
        ? [
            {
              flag: '--record',
              path: typeof flags.record === 'string' ? flags.record : 'launches/',
              kind: 'dir' as const,
            },
          ]
        : []),
    ],
    files.map((file) => ({ what: 'one of the results to merge', path: file })),
  );
  if (outputs) return fail(outputs);
  const inputs: NamedResult[] = [];
  for (const file of files) {
    const read = await readResult(file);
    if (typeof read === 'string') return fail(read);
    inputs.push({ file, result: read });
  }
  let merged: RunResult;
  try {
    merged = mergeResults(inputs);
  } catch (error) {
    if (error instanceof MergeError) return fail(error.message);
    throw error;
  }
  // The results were redacted when written; nothing secret is known here to add.
  const redactor = new Redactor();
  const recordDir = flags.record
    ? path.resolve(typeof flags.record === 'string' ? flags.record : 'launches/')
    : undefined;
  if (flags.tag) {
    const tagged = await tagMerged(merged, flags, recordDir);
    if (tagged) return fail(tagged);
  }
  if (recordDir) {
    const file = await writeRecord(recordDir, merged, redactor);
    merged.record_file = path.relative(process.cwd(), file) || file;
  }
  if (flags.json) await writeJsonResult(flags.json, merged, redactor);
  if (flags.junit) await writeJunit(flags.junit, merged, redactor);
  const terminal = stdoutTerminal(flags, redactor).reporter;
  await terminal.onRunEnd(merged);
  for (const reporter of ecosystemReporters(redactor)) await reporter.onRunEnd(merged);
  return merged.exit_code;
}

/**
 * `merge --tag`: the tag step on the joined result, when the shards cover every critical path
 * of one commit (the plan is loaded for `release.tag`). Returns a usage error, if any.
 */
async function tagMerged(
  merged: RunResult,
  flags: MergeFlags,
  recordDir: string | undefined,
): Promise<string | undefined> {
  const { loadPlanOrReport, stderrColor } = await import('./plan-errors.js');
  const { applyTagStep, checkTagFlags } = await import('./run-ecosystem.js');
  const loaded = await loadPlanOrReport(flags.plan ?? merged.plan.file, stderrColor(flags.color));
  if (!loaded) return `cannot load the plan ${flags.plan ?? merged.plan.file} for --tag (pass --plan FILE)`;
  const usage = await checkTagFlags({ tag: flags.tag, push: flags.push }, loaded);
  if (usage) return usage;
  await applyTagStep(merged, flags, loaded, recordDir);
  return undefined;
}

async function readResult(file: string): Promise<RunResult | string> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const r = value as Partial<RunResult> | null;
  if (r?.schema_version !== 1 || !Array.isArray(r.checks) || !Array.isArray(r.paths) || !r.plan) {
    return `${file} is not a preflight JSON result (write one with \`preflight run --json FILE\`)`;
  }
  return r as RunResult;
}

function fail(message: string): number {
  process.stderr.write(`preflight merge: ${message}\n`);
  return EXIT.USAGE;
}
