/**
 * The rooms' import rules (docs/architecture.md) that a kind's report sections rely on: no file
 * under src/checks/ imports the reporters (src/report/, src/web/), and src/render/, the room of
 * rendering primitives below both, imports only json/ and secrets/ of ours.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The rooms (first folder under src/) a file imports from, statically or dynamically. */
function importedRooms(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1] ?? '',
  );
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s)).split('/')[0] ?? '');
}

function breaches(room: string, allowed: (imported: string) => boolean): string[] {
  return sources(join(SRC, room)).flatMap((file) =>
    importedRooms(file)
      .filter((r) => !allowed(r))
      .map((r) => `${relative(SRC, file)} imports ${r}/`),
  );
}

describe('rooms', () => {
  it('no file under src/checks/ imports src/report/ or src/web/', () => {
    assert.deepEqual(
      breaches('checks', (r) => r !== 'report' && r !== 'web'),
      [],
    );
  });

  it('src/render/ imports only itself, json/ and secrets/', () => {
    assert.deepEqual(
      breaches('render', (r) => ['render', 'json', 'secrets'].includes(r)),
      [],
    );
  });
});
