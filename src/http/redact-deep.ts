/**
 * The last pass over a step result: every string (and any number that spells a
 * secret as a whole) in its excerpts, failures and error goes through the redactor, after the
 * step's captures have registered their secrets.
 */

import type { StepResult } from '../checks/paths/result.js';
import { REDACTED } from '../secrets/names.js';
import type { Redactor } from '../secrets/redactor.js';

/** Deep copy of a JSON-like value with every registered secret replaced. */
export function redactDeep(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  // A number is hidden only when it is a secret as a whole (a captured numeric id marked secret).
  if (typeof value === 'number') return redactor.redact(String(value)) === REDACTED ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redactor.redact(key)] = redactDeep(item, redactor);
    return out;
  }
  return value;
}

/** A step result with its free-form parts (excerpts, failures, error, reason) redacted. */
export function redactStepResult(result: StepResult, redactor: Redactor): StepResult {
  if (redactor.size === 0) return result;
  const out: StepResult = { ...result };
  if (out.request) out.request = redactDeep(out.request, redactor) as StepResult['request'];
  if (out.response) out.response = redactDeep(out.response, redactor) as StepResult['response'];
  if (out.failures) out.failures = redactDeep(out.failures, redactor) as StepResult['failures'];
  if (out.assertions) out.assertions = redactDeep(out.assertions, redactor) as StepResult['assertions'];
  if (out.error) out.error = redactDeep(out.error, redactor) as StepResult['error'];
  if (out.skip_reason) out.skip_reason = redactor.redact(out.skip_reason);
  return out;
}

/**
 * redactStepResult for a result whose excerpts were made just now, with this redactor in this
 * state: their text is redacted already, so only their header names and the number that could
 * spell a secret (the body size) are left; failures, error and reason go through redactDeep.
 * Saves a deep copy of both excerpts for every step.
 */
export function redactFreshStepResult(result: StepResult, redactor: Redactor): StepResult {
  if (redactor.size === 0) return result;
  const out: StepResult = { ...result };
  if (out.request) out.request = { ...out.request, headers: redactKeys(out.request.headers, redactor) };
  if (out.response) {
    const size = redactDeep(out.response.size, redactor) as number;
    out.response = { ...out.response, headers: redactKeys(out.response.headers, redactor), size };
  }
  if (out.failures) out.failures = redactDeep(out.failures, redactor) as StepResult['failures'];
  if (out.assertions) out.assertions = redactDeep(out.assertions, redactor) as StepResult['assertions'];
  if (out.error) out.error = redactDeep(out.error, redactor) as StepResult['error'];
  if (out.skip_reason) out.skip_reason = redactor.redact(out.skip_reason);
  return out;
}

function redactKeys(headers: Record<string, string>, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers)) out[redactor.redact(key)] = headers[key] as string;
  return out;
}
