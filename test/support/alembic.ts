/**
 * Alembic revisions written into a copy of the example: after the current head, with the
 * upgrade (and optionally the downgrade) as plain SQL.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The revision ids of a copy of the example that no other revision names as its parent. */
export async function alembicHeads(app: string): Promise<string[]> {
  const dir = path.join(app, 'migrations', 'versions');
  const ids: string[] = [];
  const parents = new Set<string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.py'))) {
    const text = await readFile(path.join(dir, name), 'utf8');
    const id = /^revision\b[^=]*=\s*["']([^"']+)/m.exec(text)?.[1];
    const down = /^down_revision\b[^=]*=\s*["']([^"']+)/m.exec(text)?.[1];
    if (id) ids.push(id);
    if (down) parents.add(down);
  }
  return ids.filter((id) => !parents.has(id));
}

export interface RevisionOptions {
  /** SQL the downgrade runs; no downgrade (`pass`) when absent. */
  downgrade?: string;
  message?: string;
}

/** Add revision `id` after the current head; its upgrade runs `sql` (statements split on `;`). */
export async function addRevision(
  app: string,
  id: string,
  sql: string,
  options: RevisionOptions = {},
): Promise<string> {
  const [head] = await alembicHeads(app);
  const body = (text: string | undefined): string => {
    const statements = (text ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    if (statements.length === 0) return '    pass\n';
    return statements.map((s) => `    op.execute(${JSON.stringify(s)})\n`).join('');
  };
  const file = path.join(app, 'migrations', 'versions', `${id}.py`);
  await writeFile(
    file,
    `"""${options.message ?? id}"""\n\nfrom alembic import op\n\nrevision = "${id}"\ndown_revision = ${head ? `"${head}"` : 'None'}\n\n\n` +
      `def upgrade():\n${body(sql)}\n\ndef downgrade():\n${body(options.downgrade)}`,
  );
  return file;
}
