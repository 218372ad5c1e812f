/**
 * The JSON result (`--json`): a serialised `RunResult`, pretty-printed and redacted. It is the
 * canonical artefact; its JSON Schema is `schema/result.schema.json`.
 */
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import { writeFileRedacted } from './sink.js';

/** The JSON text of a result: two-space indent, a final newline. */
export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Write the JSON result to `file`, redacted, creating the parent directories. */
export async function writeJsonResult(file: string, result: RunResult, redactor: Redactor): Promise<void> {
  await writeFileRedacted(file, renderJson(redactor.redactValue(result)), redactor);
}
