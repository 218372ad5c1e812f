/**
 * The text of a scaffolded plan: a `yaml-language-server` line pointing at the plan's JSON
 * Schema (so editors complete and check it), a short header, and YAML in the style of the
 * example plan (small maps such as `request` and `expect` on one line).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isPair, isSeq, type Node, visit } from 'yaml';

/** Maps under these keys are written on one line when they are short. */
const FLOW_KEYS = new Set([
  'request',
  'expect',
  'capture',
  'query',
  'headers',
  'slo',
  'record',
  'auth',
  'when',
  'unless',
  'json',
  'vars',
]);
const MAX_FLOW_CHARS = 90;
/** A named assertion (`{ name: ..., status: 200 }`) reads best on one line up to this length. */
const MAX_ASSERTION_CHARS = 110;

/** Options of `renderPlan`. */
export interface RenderOptions {
  /** Where the plan will be written (the schema reference is relative to it). */
  planFile: string;
  /** Comment lines under the schema line (without `# `). */
  header: string[];
}

/** The plan as YAML text, with the schema line and the header. */
export function renderPlan(plan: Record<string, unknown>, options: RenderOptions): string {
  // A value used twice (a login body) is written twice, never as a YAML alias.
  const doc = new Document(plan, { aliasDuplicateObjects: false });
  visit(doc, {
    Map(_, map, ancestors) {
      const [owner, list] = [ancestors.at(-2), ancestors.at(-1)];
      const key = isPair(owner) ? String((owner.key as { value?: unknown } | null)?.value ?? '') : '';
      if (key !== 'assertions' || !isSeq(list) || JSON.stringify(map.toJSON()).length > MAX_ASSERTION_CHARS)
        return undefined;
      map.flow = true;
      return visit.SKIP;
    },
    Pair(_, pair, ancestors) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
      const value = pair.value as Node | null;
      if (!isMap(value) && !isSeq(value)) return;
      const length = JSON.stringify(value.toJSON()).length;
      // Small maps deep inside a step (matchers such as `{ gt: 0 }`) read best on one line too.
      value.flow = FLOW_KEYS.has(key) ? length <= MAX_FLOW_CHARS : ancestors.length > 8 && length <= 40;
    },
  });
  const body = doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  const lines = [
    `# yaml-language-server: $schema=${schemaReference(options.planFile)}`,
    ...options.header.map((line) => `# ${line}`.trimEnd()),
  ];
  return `${lines.join('\n')}\n${body}`;
}

/**
 * Where the plan's JSON Schema is, relative to the plan: the installed package's
 * `schema/plan.schema.json` (under node_modules once installed), else its published URL.
 */
export function schemaReference(planFile: string): string {
  const packaged = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../schema/plan.schema.json',
  );
  if (!existsSync(packaged)) return 'https://preflight.dev/schema/plan.json';
  const relative = path
    .relative(path.dirname(path.resolve(planFile)), packaged)
    .split(path.sep)
    .join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}
