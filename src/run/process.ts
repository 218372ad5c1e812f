/**
 * Child processes. Every command runs in its own process group (`detached`), so that
 * stopping it stops everything it started (a shell, uvicorn's workers, pytest's
 * subprocesses). Libraries such as execa kill only the direct child, which leaves
 * grandchildren behind when the command goes through a shell; hence this module.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** The groups that are alive, so that an exit of preflight can stop them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence: on any exit (crash included), SIGKILL what is left.
  process.on('exit', () => killAllGroupsSync());
}

/** SIGKILL every process group preflight started and that may still be alive. */
export function killAllGroupsSync(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kept output: the last this many characters (default 64 KiB). */
  tailLimit?: number;
  /** Also append all output to this file. */
  logFile?: string;
  /** Called with each chunk of output (stdout and stderr interleaved). */
  onOutput?: (chunk: string) => void;
}

export interface ExitInfo {
  exit_code: number | null;
  signal: string | null;
  duration_ms: number;
}

/** A running command in its own process group. */
export class ManagedProcess {
  readonly command: string;
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #child: ChildProcess;
  #tail = '';
  #tailLimit: number;
  #log: WriteStream | null;
  #done = false;

  constructor(command: string, options: SpawnOptions) {
    installExitHook();
    this.command = command;
    this.#tailLimit = options.tailLimit ?? 64 * 1024;
    this.#log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
    const started = performance.now();
    this.#child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.#child.pid ?? -1;
    if (this.pid > 0) liveGroups.add(this.pid);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.#tail = (this.#tail + text).slice(-this.#tailLimit);
      this.#log?.write(chunk);
      options.onOutput?.(text);
    };
    this.#child.stdout?.on('data', onData);
    this.#child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      const finish = (): void => {
        if (this.#done || !exit) return;
        this.#done = true;
        liveGroups.delete(this.pid);
        this.#log?.end();
        resolve({
          exit_code: exit.code,
          signal: exit.signal,
          duration_ms: round(performance.now() - started),
        });
      };
      this.#child.on('error', (error) => {
        onData(Buffer.from(`${error.message}\n`));
        exit = { code: 127, signal: null };
        finish();
      });
      this.#child.on('exit', (code, signal) => {
        exit = { code, signal };
        // Reap whatever the command left in its group (background jobs, workers);
        // this also closes the pipes they held, so 'close' follows.
        signalGroup(this.pid, 'SIGKILL');
      });
      this.#child.on('close', finish);
    });
  }

  /** Whether the process has exited. */
  get done(): boolean {
    return this.#done;
  }

  /** The last output (stdout and stderr), up to the tail limit. */
  tail(lines?: number): string {
    if (lines === undefined) return this.#tail;
    return this.#tail
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  }

  /** Stop the whole group: SIGTERM, then SIGKILL after `graceMs`. Resolves when it exited. */
  async stop(graceMs = 3000): Promise<ExitInfo> {
    if (!this.#done && this.pid > 0) {
      signalGroup(this.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(this.pid, 'SIGKILL'), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}

export interface CommandOutcome extends ExitInfo {
  timed_out: boolean;
  cancelled: boolean;
  output: string;
}

/** Run a command to completion, bounded by a timeout and a cancellation signal. */
export async function runCommand(
  command: string,
  options: SpawnOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<CommandOutcome> {
  const proc = new ManagedProcess(command, options);
  let timedOut = false;
  let cancelled = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop();
  }, options.timeoutMs);
  const onAbort = (): void => {
    cancelled = true;
    void proc.stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const exit = await proc.exited;
    return { ...exit, timed_out: timedOut, cancelled, output: proc.tail() };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
