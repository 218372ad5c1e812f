/**
 * A validator for schema/result.schema.json (draft 2020-12, strict, with formats), shared by
 * every test that checks a result against the published contract.
 */
import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const resultSchemaFile = new URL('../../schema/result.schema.json', import.meta.url);

/** Compile the published result schema. */
export async function resultValidator(): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(resultSchemaFile, 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
