/**
 * Offline SQL as statements: Alembic ends each statement with `;` at the end of a line, so a
 * statement is the lines up to one that ends with `;`. Each keeps its first line's number.
 */

/** One statement of a revision's SQL. */
export interface Statement {
  /** The statement on one line, whitespace collapsed, without the `;`. */
  text: string;
  /** Its first line in the revision's SQL (1-based). */
  line: number;
}

/** Split a revision's offline SQL into statements, skipping comments and blank lines. */
export function splitStatements(sql: string): Statement[] {
  const out: Statement[] = [];
  let parts: string[] = [];
  let first = 0;
  sql.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (parts.length === 0 && (line === '' || line.startsWith('--'))) return;
    if (parts.length === 0) first = index + 1;
    parts.push(line);
    if (line.endsWith(';')) {
      out.push({ text: parts.join(' ').replace(/\s+/g, ' ').replace(/;$/, '').trim(), line: first });
      parts = [];
    }
  });
  if (parts.length > 0) out.push({ text: parts.join(' ').replace(/\s+/g, ' ').trim(), line: first });
  return out;
}

const IDENT = String.raw`("(?:[^"]|"")+"|[\w$]+)(?:\.("(?:[^"]|"")+"|[\w$]+))?`;

/** An identifier as written in SQL → its name (`"Order"` → `Order`, `public.orders` → `orders`). */
function name(first: string | undefined, second: string | undefined): string {
  const raw = second ?? first ?? '';
  return raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.toLowerCase();
}

/** The table a DDL statement acts on, and the kind of statement. */
export interface DdlTarget {
  kind: 'create-table' | 'create-index' | 'alter-table' | 'drop-table' | 'drop-index' | 'other';
  table?: string;
}

/** What a statement does, as far as the lint rules care. */
export function ddlTarget(text: string): DdlTarget {
  let m = new RegExp(
    String.raw`^CREATE\s+(?:UNLOGGED\s+|TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${IDENT}`,
    'i',
  ).exec(text);
  if (m) return { kind: 'create-table', table: name(m[1], m[2]) };
  m = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+(?:ONLY\s+)?${IDENT}`, 'i').exec(text);
  if (m) return { kind: 'create-index', table: name(m[1], m[2]) };
  m = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${IDENT}`, 'i').exec(text);
  if (m) return { kind: 'alter-table', table: name(m[1], m[2]) };
  m = new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${IDENT}`, 'i').exec(text);
  if (m) return { kind: 'drop-table', table: name(m[1], m[2]) };
  if (/^DROP\s+INDEX\b/i.test(text)) return { kind: 'drop-index' };
  return { kind: 'other' };
}

/** An identifier right after `pattern` (which ends with the whitespace), e.g. the column after DROP COLUMN. */
export function identAfter(text: string, pattern: string): string | undefined {
  const m = new RegExp(`${pattern}${IDENT}`, 'i').exec(text);
  return m ? name(m[1], m[2]) : undefined;
}
