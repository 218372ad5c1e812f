/**
 * A parsed YAML document as plain data, without throwing: the `yaml` package throws a
 * ReferenceError for an alias whose anchor is not set (`a: *nowhere`) and a plain Error
 * for an alias bomb, both without a position. Here they become diagnostics that point at
 * the alias.
 */
import { isAlias, type Node, visit } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import type { YamlSource } from './yaml-source.js';

/** Aliases expanded at most this many times (a "billion laughs" plan is refused). */
export const MAX_ALIAS_COUNT = 100;

/** The document's data, or a diagnostic saying why it could not be built. */
export type YamlData = { ok: true; data: unknown } | { ok: false; diagnostic: Diagnostic };

/** Convert `source`'s document to plain data; never throws. */
export function toPlanData(source: YamlSource): YamlData {
  try {
    return { ok: true, data: safeIntegers(source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unresolved = /Unresolved alias/i.test(message);
    const alias = findAlias(source, unresolved);
    const name = alias?.source ?? '';
    return {
      ok: false,
      diagnostic: {
        code: unresolved ? 'PLAN_YAML_ALIAS' : 'PLAN_YAML_ALIAS_COUNT',
        severity: 'error',
        message: unresolved
          ? `the alias *${name} refers to no anchor &${name} set before it`
          : `aliases expand too much (more than ${MAX_ALIAS_COUNT} times); write the values out instead`,
        file: source.file,
        ...positionOf(source, alias?.range?.[0] ?? 0),
        length: Math.max(1, name.length + 1),
        hint: unresolved
          ? `define &${name} before this line, or remove the alias`
          : 'remove the nested aliases',
      },
    };
  }
}

/** Integers within 2^53 as numbers; only those beyond stay BigInt (a matcher needs them exact). */
function safeIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(safeIntegers);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = safeIntegers(v);
    return out;
  }
  return value;
}

interface AliasNode {
  source: string;
  range?: [number, number, number] | null;
}

/** The first alias that does not resolve (or, for an alias bomb, the first alias). */
function findAlias(source: YamlSource, unresolvedOnly: boolean): AliasNode | undefined {
  let found: AliasNode | undefined;
  visit(source.doc, {
    Alias(_, node) {
      if (!isAlias(node)) return undefined;
      let target: Node | undefined;
      try {
        target = node.resolve(source.doc) as Node | undefined;
      } catch {
        target = undefined;
      }
      if (unresolvedOnly && target !== undefined) return undefined;
      found = node as AliasNode;
      return visit.BREAK;
    },
  });
  return found;
}

/** 1-based line and column of a character offset of the text. */
function positionOf(source: YamlSource, offset: number): { line: number; column: number } {
  const before = source.text.slice(0, Math.max(0, Math.min(offset, source.text.length)));
  const lines = before.split(/\r?\n/);
  return { line: lines.length, column: (lines.at(-1) ?? '').length + 1 };
}
