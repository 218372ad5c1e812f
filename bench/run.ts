/**
 * npm run bench: preflight against its peers, in one run, on this machine. Starts its own
 * servers (bench/servers/), runs each comparison with the tools taking turns (A B C, C B A,
 * ...) so that other load on the machine hits them alike, and prints one table: preflight's
 * figure, each peer's, the ratio, the target and met/MISSED. Every preflight figure is the
 * built CLI or library in dist/ (run `npm run build` first).
 * Exit codes: 0 measured, 1 a row could not be measured (or, with --strict, a target was
 * missed), 2 a needed tool is missing or a bad option, 3 a server would not start.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllGroupsSync } from '../src/process/process.js';
import { benchAccuracy } from './lib/accuracy.js';
import type { BenchContext } from './lib/context.js';
import { benchFlow } from './lib/flow.js';
import { benchGate } from './lib/gate.js';
import { benchMaxRate } from './lib/max-rate.js';
import { benchMigrations } from './lib/migrations.js';
import { parseOptions, SECTIONS, type Section } from './lib/options.js';
import { benchPostman } from './lib/postman.js';
import { benchSeed } from './lib/seed.js';
import { type BenchServer, startFastApi, startNodeServer } from './lib/servers.js';
import { benchStartup } from './lib/startup.js';
import { type Row, renderTable } from './lib/table.js';
import { missingTools } from './lib/tools.js';
import { benchTransport } from './lib/transport.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const options = parseOptions(process.argv.slice(2));
const missing = missingTools(root);
if (missing.length > 0) {
  process.stderr.write(`npm run bench cannot run:\n${missing.map((m) => `  ${m}`).join('\n')}\n`);
  process.exit(2);
}

const SECTION_RUNS: Record<Section, (ctx: BenchContext) => Promise<Row[]>> = {
  flow: benchFlow,
  startup: benchStartup,
  probe: benchMaxRate,
  accuracy: benchAccuracy,
  gate: benchGate,
  seed: benchSeed,
  postman: benchPostman,
  migrations: benchMigrations,
  transport: benchTransport,
};

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The newest modification time under `dir`, to warn when dist/ is older than src/. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const started = performance.now();
const log = (line: string): void => void process.stderr.write(`  ${line}\n`);
console.log(`npm run bench — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores`);
console.log(
  `rounds ${options.rounds}, flow x${options.iterations}, ${options.seconds} s load runs, ${options.connections} connections; sections: ${options.sections.join(', ')}`,
);
console.log(`load average at start: ${load()}`);
if (newestMtime(join(root, 'src')) > statSync(join(root, 'dist/cli/main.js')).mtimeMs)
  console.log('warning: src/ changed after the last build; preflight figures are of dist/ (npm run build)');

const tmp = mkdtempSync(join(tmpdir(), 'preflight-bench-'));
// On Ctrl-C or SIGTERM Node exits without its 'exit' hooks: stop the servers and the tool running.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    killAllGroupsSync();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
const servers: BenchServer[] = [];
const rows: Row[] = [];
try {
  const node = await startNodeServer(root);
  servers.push(node);
  const uvicorn = await startFastApi(root);
  servers.push(uvicorn);
  console.log(`servers: node ${node.url} (${node.flavour}); FastAPI ${uvicorn.url} (${uvicorn.flavour})`);
  const ctx: BenchContext = { root, tmp, options, node, uvicorn, log };
  for (const section of options.sections) {
    log(`== ${section} (load ${load()})`);
    rows.push(...(await SECTION_RUNS[section](ctx)));
  }
} catch (error) {
  // Sections turn their own failures into ERROR rows; this is a server that would not start.
  process.stderr.write(`npm run bench could not run: ${(error as Error).message}\n`);
  process.exitCode = 3;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(tmp, { recursive: true, force: true });
}

if (process.exitCode === 3) process.exit();
console.log('');
console.log(renderTable(rows));
console.log('');
const notRun = SECTIONS.filter((s) => !options.sections.includes(s));
if (notRun.length > 0) console.log(`not run (--only): ${notRun.join(', ')}`);
const missed = rows.filter((r) => r.target && !r.target.met && !r.error).length;
const errors = rows.filter((r) => r.error).length;
console.log(
  `${rows.filter((r) => r.target?.met).length} targets met, ${missed} missed, ${errors} rows not measured; ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s; load average at end: ${load()}`,
);
process.exitCode = errors > 0 || (options.strict && missed > 0) ? 1 : 0;
