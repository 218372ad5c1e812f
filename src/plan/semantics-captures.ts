/**
 * A capture reads its value from exactly one source: a JSONPath string, or a mapping with one
 * of json, header, cookie, regex or value (the rest of the mapping qualifies it).
 */
import type { Diagnostic } from './diagnostic.js';
import { CAPTURE_SOURCES, type Capture } from './schema.js';
import type { PathKey, YamlSource } from './yaml-source.js';

/** An error when a capture mapping gives no source or more than one (at the second one's key). */
export function checkCaptureSources(
  capture: Capture,
  at: PathKey[],
  what: string,
  source: YamlSource,
): Diagnostic[] {
  if (typeof capture === 'string') return [];
  const given = CAPTURE_SOURCES.filter((key) => capture[key] !== undefined);
  if (given.length === 1) return [];
  const [, second] = given;
  const message =
    given.length === 0
      ? `${what} says nowhere to take its value from`
      : `${what} gives ${given.length} sources (${given.join(', ')}): a capture takes its value from one`;
  return [
    {
      code: 'PLAN_CAPTURE_SOURCE',
      severity: 'error',
      message,
      file: source.file,
      ...(second === undefined ? source.spanOf(at) : source.spanOfKey(at, second)),
      hint: `give exactly one of ${CAPTURE_SOURCES.join(', ')}`,
    },
  ];
}
