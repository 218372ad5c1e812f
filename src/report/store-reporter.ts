/**
 * What the history keeps of a run: the (redacted) result and the tail of the service log. The
 * launch record is not kept as text: the dashboard renders it from the result when it shows the
 * run (so recording a run does not render it twice, and the history stays small).
 */
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import type { RecordInput } from '../store/types.js';
import { readServiceLogTail } from './log-excerpt.js';

/** What the store keeps of a result: every field and text redacted. */
export async function recordInputOf(result: RunResult, redactor: Redactor): Promise<RecordInput> {
  const safe = redactor.redactValue(result);
  const logs = await readServiceLogTail(safe);
  return {
    result: safe,
    record_md: null,
    logs_excerpt: logs === null ? null : redactor.redact(logs),
  };
}
