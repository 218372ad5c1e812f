/**
 * `preflight schema`: the plan's JSON Schema, for editors.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planJsonSchema } from '../plan/spec.js';
import { EXIT } from './exit-codes.js';

/** Print or write the plan's JSON Schema. */
export async function schemaCommand(opts: { out?: string }): Promise<number> {
  const text = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
  if (!opts.out) {
    process.stdout.write(text);
    return EXIT.GO;
  }
  await mkdir(path.dirname(opts.out), { recursive: true });
  await writeFile(opts.out, text);
  process.stdout.write(`wrote ${opts.out}\n`);
  return EXIT.GO;
}
