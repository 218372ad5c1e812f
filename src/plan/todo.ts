/**
 * TODO placeholders (as `preflight init` writes them): each string of the plan that starts
 * with `TODO` is a warning, so a scaffolded plan validates but says what is left to fill in.
 */
import type { Diagnostic } from './diagnostic.js';
import type { Plan } from './schema.js';
import type { PathKey, YamlSource } from './yaml-source.js';

const PLACEHOLDER = /^\s*TODO\b/;

/** A PLAN_TODO warning for every placeholder left in the plan. */
export function findTodoPlaceholders(plan: Plan, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  walk(plan, [], (at, text) => {
    out.push({
      code: 'PLAN_TODO',
      severity: 'warning',
      message: `${describePath(at)} is still a placeholder: ${JSON.stringify(text.trim())}`,
      file: source.file,
      ...source.spanOf(at),
    });
  });
  return out;
}

function walk(value: unknown, at: PathKey[], visit: (at: PathKey[], text: string) => void): void {
  if (typeof value === 'string') {
    if (PLACEHOLDER.test(value)) visit(at, value);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, [...at, i], visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, [...at, k], visit);
  }
}

/** `critical_paths[0].owner` style. */
function describePath(at: PathKey[]): string {
  return at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
