/**
 * `preflight import postman COLLECTION [--env ENV] [--globals GLOBALS] --out PLAN.yaml`: a
 * Postman collection (v2.0 / v2.1 JSON, or a v3 directory) as a plan, plus an import report
 * (`PLAN.import.md`) of what was kept as script and why.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPlan } from '../ecosystem/init/render.js';
import { CollectionError } from '../ecosystem/postman/collection.js';
import { convertCollection, type ImportResult } from '../ecosystem/postman/convert.js';
import { loadCollection, loadVariables } from '../ecosystem/postman/load.js';
import { importReport, planHeader } from '../ecosystem/postman/report.js';
import { PlanError, parsePlan } from '../plan/load.js';
import { EXIT } from './exit-codes.js';

/** Flags of `preflight import postman`. */
export interface ImportPostmanFlags {
  env?: string;
  globals?: string;
  out: string;
  force?: boolean;
}

/** Convert the collection and write the plan and its report; returns the exit code. */
export async function importPostmanCommand(
  collectionFile: string,
  flags: ImportPostmanFlags,
): Promise<number> {
  if (existsSync(flags.out) && !flags.force)
    return fail(EXIT.USAGE, `${flags.out} exists; pass --force to replace it`);
  let result: ImportResult;
  try {
    result = await convertFiles(collectionFile, flags);
  } catch (error) {
    if (error instanceof CollectionError) return fail(EXIT.USAGE, `${collectionFile}: ${error.message}`);
    throw error;
  }
  const out = path.resolve(flags.out);
  const reportFile = reportFileFor(out);
  const text = renderImported(result, { source: path.basename(collectionFile), planFile: out, reportFile });
  try {
    parsePlan(text, { file: out, displayName: flags.out });
  } catch (error) {
    // A plan the importer wrote must validate: this is preflight's bug, said as such.
    if (!(error instanceof PlanError)) throw error;
    const what = error.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ');
    return fail(
      EXIT.COULD_NOT_RUN,
      `internal error: the converted plan does not validate (${what}); please report it with the collection`,
    );
  }
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, text);
  await writeFile(reportFile, importReport(result, path.basename(collectionFile)));
  const t = result.totals;
  process.stdout.write(
    `wrote ${flags.out}: ${t.requests} requests, ${t.assertions} assertions (${t.converted} declarative, ${t.kept} kept as script); report: ${path.relative(process.cwd(), reportFile)}\n`,
  );
  return EXIT.GO;
}

/** Read the collection and its variable files, and convert them. */
export async function convertFiles(
  collectionFile: string,
  files: { env?: string; globals?: string },
): Promise<ImportResult> {
  const collection = await loadCollection(collectionFile);
  const environment = files.env ? await loadVariables(files.env) : [];
  const globals = files.globals ? await loadVariables(files.globals) : [];
  return convertCollection(collection, { environment, globals });
}

/** The plan text: the schema line, the summary header, the YAML. */
export function renderImported(
  result: ImportResult,
  o: { source: string; planFile: string; reportFile: string },
): string {
  const header = planHeader(result, {
    source: o.source,
    plan: path.relative(process.cwd(), o.planFile) || o.planFile,
    report: path.basename(o.reportFile),
  });
  return renderPlan(result.plan, { planFile: o.planFile, header });
}

/** `shop.yaml` -> `shop.import.md`, next to it. */
export function reportFileFor(planFile: string): string {
  return path.join(path.dirname(planFile), `${path.basename(planFile).replace(/\.ya?ml$/, '')}.import.md`);
}

function fail(code: number, message: string): number {
  process.stderr.write(`preflight import postman: ${message}\n`);
  return code;
}
