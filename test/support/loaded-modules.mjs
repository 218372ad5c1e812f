// Preloaded with `--import` (through NODE_OPTIONS) by test/e2e/startup-modules.test.ts: every
// module file the process loads is written to $PREFLIGHT_LOADED_MODULES, one URL or path per
// line: ES modules as they are resolved (loaded-modules-hooks.mjs), CommonJS ones at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.PREFLIGHT_LOADED_MODULES;
if (out) {
  register('./loaded-modules-hooks.mjs', { parentURL: import.meta.url, data: { out } });
  process.on('exit', () => {
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    appendFileSync(out, cjs.map((file) => `${file}\n`).join(''));
  });
}
