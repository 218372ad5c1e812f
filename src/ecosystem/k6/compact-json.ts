/**
 * JSON for people: objects and arrays that fit on one line stay on one line.
 */

const MAX_INLINE = 96;

/** `value` as JSON, indented by two spaces, short containers inline. */
export function compactJson(value: unknown, indent = ''): string {
  const inline = JSON.stringify(value) ?? 'null';
  if (inline.length + indent.length <= MAX_INLINE || value === null || typeof value !== 'object') {
    return inline;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${compactJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n');
  return `{\n${body}\n${indent}}`;
}
