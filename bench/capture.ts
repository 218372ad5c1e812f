/**
 * bench:capture — what the query-capture shim costs the critical paths: the example shop
 * started twice (each with its own fresh SQLite file), once plain and once with capture on,
 * the plan's critical paths run against each in alternating order for ROUNDS rounds; per
 * path the median and p90 duration of each side, and the overhead per captured statement.
 * Then the same per statement without HTTP noise: N SQLAlchemy SELECTs on SQLite in one
 * Python process, with and without the shim.
 * Usage: npm run bench:capture [-- ROUNDS]   (default 30)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { captureEnv, readCapture } from '../src/checks/database/capture.js';
import { runCriticalPath } from '../src/http/run-path.js';
import { loadPlan } from '../src/plan/load.js';
import type { CriticalPath } from '../src/plan/schema.js';
import { renderTemplate, type TemplateScope } from '../src/plan/template.js';
import { runCommand } from '../src/process/process.js';
import { type ServiceHandle, startService } from '../src/process/service.js';
import { Redactor } from '../src/secrets/redactor.js';

const rounds = Number(process.argv[2] ?? 30);
const root = path.resolve(import.meta.dirname, '..');
const loaded = await loadPlan(path.join(root, 'examples', 'shop', 'preflight.yaml'));
const plan = loaded.plan;
const dir = await mkdtemp(path.join(tmpdir(), 'bench-capture-'));
const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
const signal = new AbortController().signal;
const captureFile = path.join(dir, 'capture.jsonl');

function scope(runId: string, url: string): TemplateScope {
  const s: TemplateScope = {
    env: process.env,
    secret: (name) => process.env[name],
    run: { id: runId, dir },
    service: { url },
    vars: new Map(),
    redactor: new Redactor(),
  };
  for (const [name, value] of Object.entries(plan.variables ?? {}))
    s.vars.set(name, renderTemplate(value, s));
  return s;
}

async function start(side: string, extra: Record<string, string>): Promise<ServiceHandle> {
  return startService({
    config: { ...plan.service, url: undefined },
    planDir: loaded.dir,
    logFile: path.join(dir, `${side}.log`),
    env: { DATABASE_URL: `sqlite:///${dir}/${side}.db`, SHOP_LOG_LEVEL: 'WARNING', ...extra },
    signal,
    dispatcher,
  });
}

const plain = await start('plain', {});
const captured = await start('capture', captureEnv(captureFile, {}));
const paths = plan.critical_paths ?? [];
const times = new Map<string, { plain: number[]; capture: number[] }>();
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate which side goes first, so warm-up and machine load fall on both alike.
    const order: [string, ServiceHandle][] =
      round % 2
        ? [
            ['plain', plain],
            ['capture', captured],
          ]
        : [
            ['capture', captured],
            ['plain', plain],
          ];
    for (const critical of paths) {
      for (const [side, service] of order) {
        const result = await runPath(critical, service, `b${round}${side}`);
        const entry = times.get(critical.name) ?? { plain: [], capture: [] };
        entry[side as 'plain' | 'capture'].push(result);
        times.set(critical.name, entry);
      }
    }
  }
} finally {
  await plain.stop();
  await captured.stop();
  await dispatcher.close();
}
const statements = await readCapture(captureFile);
report(times, statements.length);
await perStatement();
await rm(dir, { recursive: true, force: true });

async function runPath(critical: CriticalPath, service: ServiceHandle, runId: string): Promise<number> {
  const result = await runCriticalPath(critical, {
    baseUrl: service.url,
    scope: scope(runId, service.url),
    settings: { step_timeout: '10s' },
    signal,
    dispatcher,
  });
  if (result.status !== 'pass')
    throw new Error(`${critical.name} did not pass: ${JSON.stringify(result.steps)}`);
  return result.duration_ms;
}

function report(all: Map<string, { plain: number[]; capture: number[] }>, captured: number): void {
  const q = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
  const rows = [['path', 'plain p50', 'capture p50', 'Δ p50', 'plain p90', 'capture p90']];
  let plainTotal = 0;
  let captureTotal = 0;
  for (const [name, t] of all) {
    const [a, b] = [q(t.plain, 0.5), q(t.capture, 0.5)];
    plainTotal += t.plain.reduce((x, y) => x + y, 0);
    captureTotal += t.capture.reduce((x, y) => x + y, 0);
    const delta = `${(b - a).toFixed(2)} ms (${(((b - a) / a) * 100).toFixed(1)}%)`;
    rows.push([
      name,
      `${a.toFixed(2)} ms`,
      `${b.toFixed(2)} ms`,
      delta,
      `${q(t.plain, 0.9).toFixed(2)} ms`,
      `${q(t.capture, 0.9).toFixed(2)} ms`,
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length))) ?? [];
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] as number)).join('  '));
  const perStatement = ((captureTotal - plainTotal) / Math.max(1, captured)) * 1000;
  console.log(
    `\n${rounds} rounds; ${captured} statements captured; total ${plainTotal.toFixed(0)} ms plain vs ${captureTotal.toFixed(0)} ms with capture ` +
      `(${(((captureTotal - plainTotal) / plainTotal) * 100).toFixed(1)}%, ~${perStatement.toFixed(0)} µs per statement)`,
  );
}

/** Microseconds per SQLAlchemy statement, plain and captured, in one Python process each. */
async function perStatement(): Promise<void> {
  const n = 20_000;
  const code = [
    'import time',
    'from sqlalchemy import create_engine, text',
    'e = create_engine("sqlite://")',
    'c = e.connect()',
    'c.execute(text("select 1"))',
    't = time.perf_counter()',
    `for i in range(${n}): c.execute(text("select :x"), {"x": i}).scalar()`,
    `print((time.perf_counter() - t) / ${n} * 1e6)`,
  ].join('\n');
  const python = path.join(root, 'examples', 'shop', '.venv', 'bin', 'python');
  await writeFile(path.join(dir, 'micro.py'), code);
  const run = async (env: Record<string, string>) => {
    const out = await runCommand(`${python} -c '${code}'`, {
      cwd: dir,
      env: { ...process.env, ...env },
      timeoutMs: 120_000,
    });
    return Number(out.output.trim().split('\n').pop());
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 3; i++) {
    a.push(await run({}));
    b.push(await run(captureEnv(path.join(dir, `micro-${i}.jsonl`), {})));
  }
  const [plainUs, captureUs] = [Math.min(...a), Math.min(...b)];
  console.log(
    `per statement (SQLAlchemy, SQLite in memory, best of 3 × ${n}): ${plainUs.toFixed(1)} µs plain, ${captureUs.toFixed(1)} µs captured (+${(captureUs - plainUs).toFixed(1)} µs)`,
  );
}
