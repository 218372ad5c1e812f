/**
 * Alembic revision files read as text: id, parent, message and whether a downgrade exists.
 * Reading the files (rather than asking Alembic) works the same for the work tree and for a
 * baseline tree that exists only in git.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** What a revision file says about itself. */
export interface RevisionInfo {
  revision: string;
  /** Parents; several for a merge revision, none for the first. */
  down: string[];
  message: string;
  /** The file, relative to the versions directory. */
  file: string;
  has_downgrade: boolean;
}

/** Where alembic.ini says the versions are: `script_location`/versions, `%(here)s` resolved. */
export async function versionsDir(ini: string): Promise<string> {
  const text = await readFile(ini, 'utf8');
  const here = path.dirname(ini);
  const option = (name: string): string | undefined =>
    new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm').exec(text)?.[1]?.trim().replaceAll('%(here)s', here);
  const explicit = option('version_locations');
  if (explicit && !/\s|,|;|:/.test(explicit.replace(/^\//, ''))) return path.resolve(here, explicit);
  const script = option('script_location') ?? 'migrations';
  return path.join(path.resolve(here, script), 'versions');
}

/** Parse one revision file; null when it is not a revision (no `revision =`). */
export function parseRevision(file: string, text: string): RevisionInfo | null {
  const revision = /^revision\s*(?::[^=\n]+)?=\s*["']([^"']+)["']/m.exec(text)?.[1];
  if (!revision) return null;
  const downValue = /^down_revision\s*(?::[^=\n]+)?=\s*(.+)$/m.exec(text)?.[1] ?? 'None';
  const down = [...downValue.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] as string);
  const doc = /^\s*(?:"""|''')\s*([^\n]*)/.exec(text)?.[1]?.trim() ?? '';
  return { revision, down, message: doc.replace(/["']{3}$/, ''), file, has_downgrade: hasDowngrade(text) };
}

/** A `def downgrade()` whose body is more than `pass`, `...`, comments or a NotImplementedError. */
function hasDowngrade(text: string): boolean {
  const match = /^def downgrade\([^)]*\)[^:]*:\n((?:[ \t]+.*\n?|[ \t]*\n)*)/m.exec(text);
  if (!match) return false;
  const body = (match[1] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^("""|''')/.test(l));
  return body.some((l) => l !== 'pass' && l !== '...' && !/^raise\s+NotImplementedError/.test(l));
}

/** Every revision in a versions directory of the work tree. */
export async function readRevisions(dir: string): Promise<RevisionInfo[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.py'));
  const out: RevisionInfo[] = [];
  for (const name of names.sort()) {
    const info = parseRevision(name, await readFile(path.join(dir, name), 'utf8'));
    if (info) out.push(info);
  }
  return out;
}

/** The heads: revisions that no other revision names as its parent. */
export function headsOf(revisions: RevisionInfo[]): string[] {
  const parents = new Set(revisions.flatMap((r) => r.down));
  return revisions
    .map((r) => r.revision)
    .filter((id) => !parents.has(id))
    .sort();
}

/** The revisions after `base` (exclusive) up to the heads, parents before children. */
export function revisionsAfter(revisions: RevisionInfo[], base: string[]): RevisionInfo[] {
  const byId = new Map(revisions.map((r) => [r.revision, r]));
  const old = new Set<string>();
  const stack = [...base];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (old.has(id)) continue;
    old.add(id);
    stack.push(...(byId.get(id)?.down ?? []));
  }
  const out: RevisionInfo[] = [];
  const seen = new Set<string>();
  const visit = (r: RevisionInfo): void => {
    if (seen.has(r.revision) || old.has(r.revision)) return;
    seen.add(r.revision);
    for (const parent of r.down) {
      const p = byId.get(parent);
      if (p) visit(p);
    }
    out.push(r);
  };
  for (const r of revisions) visit(r);
  return out;
}
