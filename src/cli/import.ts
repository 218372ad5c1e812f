/**
 * `preflight import postman COLLECTION.json [--env ENV.json] --out PLAN.yaml`: a Postman
 * collection (v2.1) as a plan. Every script line that could not be converted is listed.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPlan } from '../ecosystem/init/render.js';
import { CollectionError, readCollection, readEnvironment } from '../ecosystem/postman/collection.js';
import { convertCollection } from '../ecosystem/postman/convert.js';
import { parsePlan } from '../plan/load.js';
import { EXIT } from './exit-codes.js';

/** Flags of `preflight import postman`. */
export interface ImportPostmanFlags {
  env?: string;
  out: string;
  force?: boolean;
}

/** Convert the collection and write the plan; returns the exit code. */
export async function importPostmanCommand(
  collectionFile: string,
  flags: ImportPostmanFlags,
): Promise<number> {
  if (existsSync(flags.out) && !flags.force)
    return fail(EXIT.USAGE, `${flags.out} exists; pass --force to replace it`);
  let result: ReturnType<typeof convertCollection>;
  try {
    const collection = readCollection(await readJson(collectionFile));
    const environment = flags.env ? readEnvironment(await readJson(flags.env)) : [];
    result = convertCollection(collection, environment);
  } catch (error) {
    if (error instanceof CollectionError) return fail(EXIT.USAGE, `${collectionFile}: ${error.message}`);
    throw error;
  }
  const out = path.resolve(flags.out);
  const header = [
    `Written by \`preflight import postman\` from ${path.basename(collectionFile)}${flags.env ? ` with ${path.basename(flags.env)}` : ''}.`,
    'Replace every TODO: `preflight validate` warns about each one (PLAN_TODO) until it is filled in.',
    ...(result.baseVariable
      ? [
          `Run it against any URL: preflight run --plan ${path.basename(flags.out)} --var ${result.baseVariable}=http://127.0.0.1:8000`,
        ]
      : []),
    ...(result.notes.length > 0
      ? ['', `Not converted (${result.notes.length}), line by line:`, ...result.notes.map((n) => `  - ${n}`)]
      : []),
  ];
  const text = renderPlan(result.plan, { planFile: out, header });
  parsePlan(text, { file: out, displayName: flags.out });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, text);
  for (const note of result.notes) process.stderr.write(`not converted: ${note}\n`);
  const paths = (result.plan.critical_paths as unknown[]).length;
  process.stdout.write(
    `wrote ${flags.out}: ${paths} critical path${paths === 1 ? '' : 's'}` +
      `${result.notes.length ? `; ${result.notes.length} item${result.notes.length === 1 ? '' : 's'} not converted (listed above and at the top of the plan)` : ''}\n`,
  );
  return EXIT.GO;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CollectionError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function fail(code: number, message: string): number {
  process.stderr.write(`preflight import postman: ${message}\n`);
  return code;
}
