/**
 * `metrics.engine: k6`: each measurement block runs the critical paths through N k6 processes at
 * once, each with its own `--execution-segment` of the same load (`0:1/2` and `1/2:1` for N = 2,
 * with `--execution-segment-sequence 0,1/2,1`), each writing its raw per-request output
 * (`--out json=FILE`). The files are merged sample by sample (k6/raw.ts) into the same path
 * records the built-in probe fills, so the same comparison and the same judge decide.
 *
 * The processes start paused (`--paused`, each with its REST API on a free local port): once
 * every one has its VUs initialised (status "paused before run"), all are resumed together, so
 * no segment's load starts while another k6 is still compiling the script, and the start-up
 * stays out of the block (what the k6 operator does with its runner pods).
 *
 * The script is `preflight export k6`'s, with arrival-rate scenarios (the open model: `rate`
 * iterations of each path started per second, split across the segments) or constant VUs
 * (max-rate), and no thresholds. Secrets reach k6 through its environment, never its command line.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type K6Samples, readK6Raw } from '../ecosystem/k6/raw.js';
import { buildK6Script } from '../ecosystem/k6/script.js';
import type { CriticalPath, Plan } from '../plan/schema.js';
import type { ProbeResult } from '../probe/probe.js';
import { createPathRecords, type PathRecord } from '../probe/recorder.js';
import { ManagedProcess } from '../process/process.js';
import { freePort } from '../process/service.js';
import { MetricsError } from './errors.js';

/** What runs one block of load against one side (the built-in probe, or k6). */
export interface BlockEngine {
  settings: { name: 'k6'; segments: number };
  runBlock(block: EngineBlock): Promise<ProbeResult>;
}

/** One block to run. */
export interface EngineBlock {
  side: 'baseline' | 'candidate';
  index: number;
  baseUrl: string;
  durationMs: number;
  keepSamples: boolean;
  signal: AbortSignal;
}

/** How to run k6. */
export interface K6EngineOptions {
  k6: string;
  plan: Plan;
  planFile: string;
  paths: CriticalPath[];
  /** Where the script and the raw output files go (the run directory's `k6/`). */
  dir: string;
  segments: number;
  model: 'open' | 'max-rate';
  /** Iterations per second of each path (open model). */
  rate: number;
  vus: number;
  maxInFlight: number;
  stepTimeoutMs: number;
  /** Environment of the k6 processes: the values of `{{ env.X }}` and `{{ secrets.X }}`. */
  env: Record<string, string>;
}

/** The execution segments of N processes: `0:1/2`, `1/2:1`, and the sequence `0,1/2,1`. */
export function executionSegments(n: number): { segments: string[]; sequence: string } {
  const point = (i: number): string => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const segments = Array.from({ length: n }, (_, i) => `${point(i)}:${point(i + 1)}`);
  const sequence = Array.from({ length: n + 1 }, (_, i) => point(i)).join(',');
  return { segments, sequence };
}

/** Write the engine's script and return the engine. */
export async function createK6Engine(o: K6EngineOptions): Promise<BlockEngine> {
  await mkdir(o.dir, { recursive: true });
  const script = buildK6Script(o.plan, o.paths, {
    planFile: o.planFile,
    vus: o.vus,
    duration: '1s',
    baseUrl: 'http://127.0.0.1',
    engine: {
      model: o.model,
      maxVus: o.maxInFlight,
      gracefulStop: `${Math.ceil(o.stepTimeoutMs / 1000) + 1}s`,
    },
  });
  const scriptFile = path.join(o.dir, 'engine.js');
  await writeFile(scriptFile, script.text);
  return {
    settings: { name: 'k6', segments: o.segments },
    runBlock: (block) => runK6Block(o, scriptFile, block),
  };
}

async function runK6Block(o: K6EngineOptions, scriptFile: string, b: EngineBlock): Promise<ProbeResult> {
  const { segments, sequence } = executionSegments(o.segments);
  const files = segments.map((_, i) => path.join(o.dir, `block-${b.index}-segment-${i}.json`));
  const ports = await Promise.all(segments.map(() => freePort()));
  let started = performance.now();
  const processes = segments.map((segment, i) => {
    const args = [
      'run',
      '--paused',
      '--address',
      `127.0.0.1:${ports[i]}`,
      '--quiet',
      '--no-summary',
      '--no-thresholds',
      '--no-usage-report',
      '--no-color',
      ...(o.segments > 1 ? ['--execution-segment', segment, '--execution-segment-sequence', sequence] : []),
      '--out',
      `json=${files[i]}`,
      scriptFile,
    ];
    return new ManagedProcess([o.k6, ...args].map(shellQuote).join(' '), {
      cwd: o.dir,
      env: {
        ...process.env,
        ...o.env,
        BASE_URL: b.baseUrl,
        DURATION: `${Math.max(1, Math.round(b.durationMs))}ms`,
        RATE_PER_MIN: String(Math.max(1, Math.round(o.rate * 60))),
        VUS: String(o.vus),
        RUN_ID_PREFIX: `${b.side[0]}${b.index}s${i}`,
        K6_NO_USAGE_REPORT: 'true',
      },
      tailLimit: 8 * 1024,
    });
  });
  const stopAll = (): void => {
    for (const p of processes) void p.stop();
  };
  b.signal.addEventListener('abort', stopAll, { once: true });
  const limit = setTimeout(stopAll, b.durationMs + o.stepTimeoutMs + 60_000);
  try {
    await resumeTogether(ports, processes, b.signal);
    started = performance.now();
    const exits = await Promise.all(processes.map((p) => p.exited));
    const elapsedMs = performance.now() - started;
    if (b.signal.aborted) return { records: createPathRecords(o.paths), elapsedMs, scheduledMs: 0 };
    for (const [i, exit] of exits.entries()) {
      if (exit.exit_code === 0) continue;
      const tail = (processes[i] as ManagedProcess).tail(15);
      throw new MetricsError(
        'METRICS_K6_FAILED',
        `k6 (segment ${segments[i]}, ${b.side} block ${b.index}) exited with ${exit.exit_code ?? exit.signal}; its output ends with:\n${tail}`,
      );
    }
    const samples = await readK6Raw(files);
    return { records: toPathRecords(o.paths, samples, b.keepSamples), elapsedMs, scheduledMs: b.durationMs };
  } finally {
    clearTimeout(limit);
    b.signal.removeEventListener('abort', stopAll);
    // A k6 left paused or running by an error above is stopped with its whole group.
    await Promise.all(processes.filter((p) => !p.done).map((p) => p.stop()));
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}

/** k6's execution status "paused before run": VUs initialised, waiting for a resume. */
const PAUSED_BEFORE_RUN = 4;

/** Wait until every k6 is initialised and paused, then resume them all at once. */
async function resumeTogether(
  ports: number[],
  processes: ManagedProcess[],
  signal: AbortSignal,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  const ready = new Set<number>();
  while (ready.size < ports.length) {
    if (signal.aborted) return;
    const gone = processes.findIndex((p) => p.done);
    if (gone >= 0 || performance.now() > deadline) {
      const p = processes[Math.max(gone, 0)] as ManagedProcess;
      const what = gone >= 0 ? 'exited before its load began' : 'was not ready within 60 s';
      throw new MetricsError('METRICS_K6_FAILED', `k6 ${what}; its output ends with:\n${p.tail(15)}`);
    }
    for (const [i, port] of ports.entries()) {
      if (ready.has(i)) continue;
      const status = await k6Status(port);
      if (status?.status === PAUSED_BEFORE_RUN && status.paused) ready.add(i);
    }
    if (ready.size < ports.length) await new Promise((r) => setTimeout(r, 25));
  }
  const body = JSON.stringify({ data: { type: 'status', id: 'default', attributes: { paused: false } } });
  await Promise.all(
    ports.map((port) =>
      fetch(`http://127.0.0.1:${port}/v1/status`, {
        method: 'PATCH',
        body,
        signal: AbortSignal.timeout(10_000),
      }),
    ),
  );
}

async function k6Status(port: number): Promise<{ status: number; paused: boolean } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/status`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return null;
    const json = (await res.json()) as { data?: { attributes?: { status: number; paused: boolean } } };
    return json.data?.attributes ?? null;
  } catch {
    return null; // not listening yet
  }
}

/** The merged k6 samples as the probe's path records (same paths, same order). */
export function toPathRecords(paths: CriticalPath[], samples: K6Samples, keepSamples: boolean): PathRecord[] {
  const records = createPathRecords(paths, keepSamples);
  for (const record of records) {
    const raw = samples.paths.get(record.name);
    if (!raw) continue;
    for (const ms of raw.latencies) {
      record.histogram.record(ms);
      record.samples?.push(ms);
    }
    record.iterations = raw.iterations;
    record.errors = raw.errors;
    record.dropped = raw.dropped;
    record.requests = raw.requests;
    if (raw.errors > 0) record.firstError = `k6 check failed: ${raw.firstFailedCheck ?? 'unknown check'}`;
    for (const step of record.steps) {
      const s = raw.steps.get(step.name);
      if (!s) continue;
      for (const ms of s.latencies) {
        step.histogram.record(ms);
        step.samples?.push(ms);
      }
      step.errors = s.errors;
    }
  }
  return records;
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
