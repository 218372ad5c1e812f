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

/** What the placeholders are, most frequent first: `owner`, `expect`, `variables`, `request values`. */
export function todoKinds(plan: Plan): { count: number; kinds: string[] } {
  const counts = new Map<string, number>();
  walk(plan, [], (at) => {
    const kind = kindOf(at);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  });
  // A stable sort: kinds as frequent as each other keep the order they appear in.
  const kinds = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([kind]) => kind);
  return { count: [...counts.values()].reduce((n, c) => n + c, 0), kinds };
}

/**
 * The one line that stands for every PLAN_TODO warning of a run:
 * `35 placeholders still TODO (owner, expect, rollback…): run with --verbose …`.
 */
export function summarizeTodos(plan: Plan, listWith: string): string | null {
  const { count, kinds } = todoKinds(plan);
  if (count === 0) return null;
  const shown = kinds.slice(0, 3).join(', ') + (kinds.length > 3 ? '…' : '');
  return `${count} placeholder${count === 1 ? '' : 's'} still TODO (${shown}): ${listWith}`;
}

function kindOf(at: PathKey[]): string {
  if (at.includes('variables')) return 'variables';
  if (at.includes('request')) return 'request values';
  const last = [...at].reverse().find((k) => typeof k === 'string');
  return typeof last === 'string' ? last : 'values';
}

/** Visit every TODO string with its key path (a copy: `at` is one stack, pushed and popped). */
function walk(value: unknown, at: PathKey[], visit: (at: PathKey[], text: string) => void): void {
  if (typeof value === 'string') {
    if (PLACEHOLDER.test(value)) visit([...at], value);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      walk(value[i], at, visit);
      at.pop();
    }
  } else if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      at.push(k);
      walk((value as Record<string, unknown>)[k], at, visit);
      at.pop();
    }
  }
}

/** `critical_paths[0].owner` style. */
function describePath(at: PathKey[]): string {
  return at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
