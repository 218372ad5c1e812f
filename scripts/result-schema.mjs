#!/usr/bin/env node
/**
 * schema/result.schema.json, generated from the result's TypeScript types (`RunResult` in
 * src/run/result.ts and the types it reaches: each check kind's result beside its kind), as
 * schema/plan.schema.json is from the plan's zod schema. JSDoc comments become descriptions;
 * `@format`, `@minimum`, `@minLength` tags become those keywords, `@asType integer` the type. The generator writes draft-07
 * (`definitions`, tuple `items`); the file is draft 2020-12 (`$defs`, `prefixItems`).
 * Usage: node scripts/result-schema.mjs [--out FILE | --check FILE]  (npm run build writes it)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The result's JSON Schema, as an object. */
function generateResultSchema() {
  const config = {
    path: join(root, 'src/run/result.ts'),
    tsconfig: join(root, 'tsconfig.json'),
    type: 'RunResult',
    topRef: false,
    additionalProperties: false,
    jsDoc: 'extended',
    sortProps: false,
    skipTypeCheck: true,
  };
  const generated = createGenerator(config).createSchema(config.type);
  const { $schema: _draft, definitions = {}, ...top } = generated;
  return toDraft2020({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://preflight.dev/schema/result.schema.json',
    title: 'preflight run result',
    description:
      'The JSON result of one preflight run (`preflight run --json FILE`): a serialised RunResult (src/run/result.ts). Generated from the TypeScript types by scripts/result-schema.mjs.',
    ...top,
    $defs: definitions,
  });
}

/** draft-07 forms the generator writes, in their draft 2020-12 spelling. */
function toDraft2020(node) {
  if (Array.isArray(node)) return node.map(toDraft2020);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/definitions/', '#/$defs/');
    else if (key === 'items' && Array.isArray(value)) {
      out.prefixItems = value.map(toDraft2020);
      out.items = false;
    } else if (key === 'additionalItems') continue;
    else out[key] = toDraft2020(value);
  }
  return out;
}

const [flag, file] = process.argv.slice(2);
if (flag === '--out' || flag === '--check') {
  const text = `${JSON.stringify(generateResultSchema(), null, 2)}\n`;
  if (flag === '--out') writeFileSync(file, text);
  else if (readFileSync(file, 'utf8') !== text) {
    process.stderr.write(`${file} is not what the result types generate: run npm run build\n`);
    process.exit(1);
  }
}
