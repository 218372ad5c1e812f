/**
 * End-to-end helpers: run the built CLI as a user would, on plans and copies of the
 * example service written into temp dirs.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/run/result.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const EXAMPLE = path.join(ROOT, 'examples', 'shop');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called once with the child, e.g. to send it a signal. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Run `preflight ARGS` and collect its output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `preflight ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    options.onSpawn?.(child);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON result a run wrote to `file`. */
export async function readJson(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

/** The one launch record (Markdown) in `dir`; fails the test when there is not exactly one. */
export async function readRecord(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md'));
  assert.equal(files.length, 1, `one record in ${dir}`);
  return readFile(path.join(dir, files[0] as string), 'utf8');
}

/** A fresh temp directory. */
export function tempDir(prefix = 'preflight-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Copy the example service into a temp dir (sharing its venv) and return the copy's path. */
export async function copyExample(): Promise<string> {
  const dir = path.join(await tempDir('preflight-shop-'), 'shop');
  const skip = new Set(['.venv', '.preflight', 'launches', '.pytest_cache', '.ruff_cache', '__pycache__']);
  await cp(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !skip.has(path.basename(src)) && !/\.db(-\w+)?$/.test(src),
  });
  await symlink(path.join(EXAMPLE, '.venv'), path.join(dir, '.venv'));
  return dir;
}

/** Replace text in a file of a copied example; fails when `from` is not there. */
export async function patchFile(file: string, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`patchFile: ${String(from)} not found in ${file}`);
  await writeFile(file, next);
}

/** Process command lines that contain `needle` (from the process table), excluding this test. */
export function processesMatching(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => l.trim());
}

/** Replace times, ports, run ids and temp paths so output can be compared to golden files. */
export function normalize(text: string): string {
  return text
    .replace(/\d+(\.\d+)? ?(ms|s)\b/g, '<T>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<PORT>')
    .replace(/\d{8}-\d{6}-[0-9a-f]{6}/g, '<RUN>')
    .replace(new RegExp(`${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[^\\s/]+`, 'g'), '<TMP>');
}

/** Processes still running with their working directory inside `dir` (from /proc), as "pid command". */
export function processesIn(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        // An empty command line: a SIGKILLed process the kernel is tearing down (its memory
        // is released before its working directory); it runs nothing any more.
        if (command !== '') out.push(`${pid} ${command}`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Wait until `predicate` holds, polling; throws after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether a run's service log (under `dir`/.preflight/runs) says uvicorn is serving. */
export function serviceUp(dir: string): boolean {
  const runs = path.join(dir, '.preflight', 'runs');
  if (!existsSync(runs)) return false;
  return readdirSync(runs).some((id) => {
    const log = path.join(runs, id, 'service.log');
    return existsSync(log) && /Uvicorn running|Application startup complete/.test(readFileSync(log, 'utf8'));
  });
}

/**
 * The example shop (a copy in `dir`) on a free port with a fresh SQLite file (or the database
 * `databaseUrl` names), while `use` runs.
 */
export async function withShop(
  dir: string,
  use: (url: string) => Promise<void>,
  options: { databaseUrl?: string } = {},
): Promise<void> {
  const { startService } = await import('../../src/process/service.js');
  const { Agent } = await import('undici');
  const dispatcher = new Agent();
  const service = await startService({
    config: {
      name: 'shop',
      start: '.venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}',
      ready: 'GET /healthz',
      ready_timeout: '20s',
    },
    planDir: dir,
    logFile: path.join(dir, 'shop-test.log'),
    env: { DATABASE_URL: options.databaseUrl ?? `sqlite:///${dir}/shop-test.db` },
    signal: new AbortController().signal,
    dispatcher,
  });
  try {
    await use(service.url);
  } finally {
    await service.stop();
    await dispatcher.close();
  }
}
