/**
 * The dashboard's static assets: the chart library (uPlot, its built files from
 * node_modules, so nothing is built on the user's machine) and the page's own script and
 * stylesheet (plain files in `src/web/assets/`, shipped with the package).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** An asset's text and content type. */
export interface Asset {
  text: string;
  type: string;
}

const require = createRequire(import.meta.url);

// From dist/web/ and from src/web/ alike, ../../src/web/assets/ is the package's asset folder.
const OWN = fileURLToPath(new URL('../../src/web/assets/', import.meta.url));

const FILES: Record<string, { file: () => string; type: string }> = {
  'uPlot.iife.min.js': {
    file: () => require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript',
  },
  'uPlot.min.css': { file: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css' },
  'dashboard.js': { file: () => `${OWN}dashboard.js`, type: 'text/javascript' },
  'dashboard.css': { file: () => `${OWN}dashboard.css`, type: 'text/css' },
};

/** The stylesheets a page loads. */
export const STYLESHEETS = ['uPlot.min.css', 'dashboard.css'];

/** The scripts a page loads, at the end of its body: the chart library, then the page script. */
export const SCRIPTS = ['uPlot.iife.min.js', 'dashboard.js'];

const cache = new Map<string, Promise<Asset>>();

/** The asset called `name`, or null when there is no such asset (only the names above exist). */
export function readAsset(name: string): Promise<Asset> | null {
  const spec = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
  if (!spec) return null;
  let asset = cache.get(name);
  if (!asset) {
    asset = readFile(spec.file(), 'utf8').then((text) => ({ text, type: spec.type }));
    asset.catch(() => cache.delete(name));
    cache.set(name, asset);
  }
  return asset;
}

/** Every stylesheet and script, for a page that must carry its assets inline. */
export async function inlineAssets(): Promise<{ css: string[]; js: string[] }> {
  const load = async (name: string): Promise<string> => (await (readAsset(name) as Promise<Asset>)).text;
  return { css: await Promise.all(STYLESHEETS.map(load)), js: await Promise.all(SCRIPTS.map(load)) };
}
