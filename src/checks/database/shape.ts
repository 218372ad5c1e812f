/**
 * Statement shapes: a statement with its literals and parameters replaced by `?`, so that
 * the same query with other values (or another length of IN list) counts as one shape.
 */

/** The shape of a SQL statement: literals, numbers and placeholders as `?`, spaces collapsed. */
export function shapeOf(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/%\(\w+\)s|%s|\$\d+|(?<!:):(?!:)\w+|\?/g, '?')
    .replace(/(?<![\w.])-?\d+(?:\.\d+)?\b/g, '?')
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)')
    .replace(/\bIN\s*\(\s*__\[POSTCOMPILE_\w+\]\s*\)/gi, 'IN (?)')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What kind of statement it is. */
export type StatementVerb = 'select' | 'insert' | 'update' | 'delete' | 'other';

/** What a statement does, from its first keyword (`WITH …` counts as a select). */
export function verbOf(sql: string): StatementVerb {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  if (word === 'select' || word === 'with') return 'select';
  if (word === 'insert' || word === 'update' || word === 'delete') return word;
  return 'other';
}

/** A shape shortened for one line of output. */
export function shortShape(shape: string, max = 160): string {
  return shape.length <= max ? shape : `${shape.slice(0, max - 1)}…`;
}
