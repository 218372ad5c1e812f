/**
 * A parsed YAML document that keeps positions: every value of the plan can be traced
 * back to its line and column, so errors and results point into the file.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import type { SourceRef } from './source-ref.js';

// `yaml` is CommonJS under Node; required on first parse so that a plan read from the plan
// cache (src/plan/plan-cache.ts) never loads it unless a position outside the cache is asked.
const require = createRequire(import.meta.url);
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => {
  yamlModule ??= require('yaml') as typeof import('yaml');
  return yamlModule;
};
const isMap = (node: unknown) => yaml().isMap(node);
const isPair = (node: unknown) => yaml().isPair(node);
const isScalar = (node: unknown) => yaml().isScalar(node);
const isSeq = (node: unknown) => yaml().isSeq(node);

export type PathKey = string | number;

export interface Span {
  line: number;
  column: number;
  length: number;
}

/** A YAML file with its document and line counter. */
export class YamlSource {
  readonly file: string;
  readonly text: string;
  #parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;

  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
  }

  /** The YAML document, parsed on first use. */
  get doc(): Document.Parsed {
    return this.#parse().doc;
  }

  get #lines(): LineCounter {
    return this.#parse().lines;
  }

  #parse(): { doc: Document.Parsed; lines: LineCounter } {
    if (!this.#parsed) {
      const { LineCounter, parseDocument } = yaml();
      const lines = new LineCounter();
      const doc = parseDocument(this.text, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: true,
        // `<<: *defaults` merges a mapping, as YAML 1.1 and most plans' authors expect.
        merge: true,
        // Integers beyond 2^53 stay exact (yaml-data.ts makes the others numbers again).
        intAsBigInt: true,
      });
      this.#parsed = { doc, lines };
    }
    return this.#parsed;
  }

  /** YAML syntax errors, as diagnostics. */
  syntaxDiagnostics(): Diagnostic[] {
    return this.doc.errors.map((e) => {
      const pos = this.#lines.linePos(e.pos[0]);
      const firstLine = e.message.split('\n')[0] ?? e.message;
      return {
        code: e.code === 'DUPLICATE_KEY' ? 'PLAN_DUPLICATE_KEY' : 'PLAN_YAML_SYNTAX',
        severity: 'error' as const,
        message: firstLine.replace(/ at line \d+, column \d+:?$/, ''),
        file: this.file,
        line: pos.line,
        column: pos.col,
        length: Math.max(1, e.pos[1] - e.pos[0]),
      };
    });
  }

  /** The span of the value at `path`, or of its nearest existing ancestor. */
  spanOf(path: readonly PathKey[]): Span {
    const { node } = this.#walk(path);
    return this.#spanOfNode(node);
  }

  /** The span of the key `key` of the map at `path` (for unknown keys). */
  spanOfKey(path: readonly PathKey[], key: string): Span {
    const { node, depth } = this.#walk(path);
    if (depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key)) return this.#spanOfNode(pair.key as Node);
    }
    return this.#spanOfNode(node);
  }

  /** Whether the node at `path` exists in the document. */
  has(path: readonly PathKey[]): boolean {
    return this.#walk(path).depth === path.length;
  }

  /** A source reference for the value at `path`. */
  ref(path: readonly PathKey[]): SourceRef {
    const span = this.spanOf(path);
    return { file: this.file, line: span.line, column: span.column };
  }

  #walk(path: readonly PathKey[]): { node: Node | null; depth: number } {
    let node = this.doc.contents as Node | null;
    let depth = 0;
    for (const key of path) {
      let next: unknown;
      if (isMap(node)) {
        next = this.#entry(node, String(key));
      } else if (isSeq(node) && typeof key === 'number') {
        next = node.items[key];
      }
      if (!next || typeof next !== 'object') break;
      node = next as Node;
      depth++;
    }
    return { node, depth };
  }

  /** The value node of `key` in a map, looking into the maps it merges (`<<: *anchor`). */
  #entry(map: { items: unknown[] }, key: string, depth = 0): unknown {
    const pairs = map.items.filter((p) => isPair(p)) as { key: unknown; value: unknown }[];
    const pair = pairs.find((p) => isScalar(p.key) && String((p.key as { value: unknown }).value) === key);
    if (pair) return pair.value ?? pair.key;
    if (depth > 10) return undefined;
    // With `merge: true` the key of a merge is a scalar whose source is `<<` (its value a symbol).
    const merge = pairs.find((p) => isScalar(p.key) && (p.key as { source?: string }).source === '<<');
    if (!merge) return undefined;
    const sources = yaml().isSeq(merge.value) ? (merge.value as { items: unknown[] }).items : [merge.value];
    for (const source of sources) {
      const target = yaml().isAlias(source) ? source.resolve(this.doc) : source;
      if (!isMap(target)) continue;
      const found = this.#entry(target as { items: unknown[] }, key, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  #spanOfNode(node: Node | null): Span {
    const range = node?.range;
    if (!range) return { line: 1, column: 1, length: 1 };
    const start = this.#lines.linePos(range[0]);
    // Underline scalars whole; for collections only their first line.
    const text = this.text.slice(range[0], range[1]);
    const firstLine = text.split('\n')[0] ?? '';
    const length = isScalar(node)
      ? Math.max(1, firstLine.trimEnd().length)
      : Math.max(1, Math.min(firstLine.trimEnd().length, 1));
    return { line: start.line, column: start.col, length };
  }
}
