/**
 * Child processes. Every command runs in its own process group (`detached`), so that
 * stopping it stops everything it started (a shell, uvicorn's workers, pytest's
 * subprocesses). Libraries such as execa kill only the direct child, which leaves
 * grandchildren behind when the command goes through a shell; hence this module.
 * Each group is also told to the supervisor (supervisor.ts), which kills it if preflight dies
 * without the chance to (kill -9), and each command carries preflight's PREFLIGHT_OWNER token
 * (owner.ts), so that a process that left its group is still found and killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { timerDelay } from '../plan/duration.js';
import { type FoundProcess, killOwnedSync, OWNER_TOKEN, OWNER_VARIABLE } from './owner.js';
import { releaseGroup, superviseGroup, supervisorPid } from './supervisor.js';

/** How long the output pipes may stay open after the command and its group are gone. */
const PIPE_GRACE_MS = 1000;

/** The groups that are alive, so that an exit of preflight can stop them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence: on any exit (crash included), SIGKILL what is left.
  process.on('exit', () => {
    killAllGroupsSync();
    killOwnedSync(OWNER_TOKEN, ownSupervisor());
  });
}

/** SIGKILL every process group preflight started and that may still be alive. */
export function killAllGroupsSync(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

/**
 * Processes started by this preflight process that are still running though none of its
 * commands is (they left their process group: setsid, a double fork), SIGKILLed; what was killed.
 */
export function sweepEscapedSync(): FoundProcess[] {
  if (liveGroups.size > 0) return [];
  return killOwnedSync(OWNER_TOKEN, ownSupervisor());
}

function ownSupervisor(): number[] {
  const pid = supervisorPid();
  return pid === undefined ? [] : [pid];
}

/** Whether a process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** With `redactLog`, a line longer than this is written without waiting for its end. */
const LOG_LINE_LIMIT = 64 * 1024;

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kept output: the last this many characters (default 64 KiB). */
  tailLimit?: number;
  /** Also append all output to this file. */
  logFile?: string;
  /**
   * Applied to what is appended to `logFile`, whole lines at a time (a secret is never cut in
   * two between writes): the file is preflight's, and secrets never appear in its files.
   */
  redactLog?: (text: string) => string;
  /**
   * Write the whole of stdout (alone, not interleaved with stderr) to this file, for a parser:
   * the tail is for showing, and a tool's JSON can be far longer than it.
   */
  stdoutFile?: string;
  /** Called with each chunk of output (stdout and stderr interleaved). */
  onOutput?: (chunk: string) => void;
  /**
   * What the command starts may keep running after it, by design (a deploy starting staging's
   * service): it does not carry preflight's token, so it is not swept. The command's own process
   * group is still stopped with preflight.
   */
  mayOutlive?: boolean;
  /**
   * The command's background children that stay in its process group (`nohup app &`) keep
   * running after it exits, instead of being killed with it: `exited` resolves when the command
   * does, and `keepGroup` is given the function that stops the group (SIGTERM, then SIGKILL).
   * Until then the group stays known to the exit hook and the supervisor, so it never outlives
   * preflight; its output is still read (a child writing to a closed pipe would die of SIGPIPE).
   */
  keepGroup?: (stopGroup: () => Promise<void>) => void;
}

/** How a command ended, as the child process reports it: its exit code, or the signal that killed it. */
interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
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
  #stdout: WriteStream | null;
  /** Writes what `redactLog` still holds back (a last line without its newline) to the log. */
  #flushLog: () => void = () => {};
  #done = false;
  /** How the command ended, as soon as it did (its output may still be arriving); null while it runs. */
  #ended: Ended | null = null;
  /** A process that left the command's group still held its output when the command ended. */
  escaped = false;
  /** The command exited but its group still runs, until the keepGroup stopper is called. */
  lingering = false;

  constructor(command: string, options: SpawnOptions) {
    installExitHook();
    this.command = command;
    this.#tailLimit = options.tailLimit ?? 64 * 1024;
    this.#log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : null;
    this.#stdout = options.stdoutFile ? createWriteStream(options.stdoutFile) : null;
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...options.env, [OWNER_VARIABLE]: OWNER_TOKEN };
    if (options.mayOutlive) delete env[OWNER_VARIABLE];
    this.#child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.#child.pid ?? -1;
    if (this.pid > 0) {
      liveGroups.add(this.pid);
      superviseGroup(this.pid);
    }
    const redactLog = options.redactLog;
    const decoder = new StringDecoder('utf8');
    let pending = '';
    const toLog = (chunk: Buffer): void => {
      if (!this.#log) return;
      if (!redactLog) {
        this.#log.write(chunk);
        return;
      }
      pending += decoder.write(chunk);
      // Whole lines only; a line longer than the limit goes as it is (bounded memory).
      const cut = pending.length > LOG_LINE_LIMIT ? pending.length : pending.lastIndexOf('\n') + 1;
      if (cut === 0) return;
      this.#log.write(redactLog(pending.slice(0, cut)));
      pending = pending.slice(cut);
    };
    this.#flushLog = (): void => {
      if (!this.#log || !redactLog) return;
      const rest = pending + decoder.end();
      pending = '';
      if (rest) this.#log.write(redactLog(rest));
    };
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.#tail = (this.#tail + text).slice(-this.#tailLimit);
      toLog(chunk);
      options.onOutput?.(text);
    };
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      this.#stdout?.write(chunk);
      onData(chunk);
    });
    this.#child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      let exit: Ended | null = null;
      const finish = (): void => {
        if (this.#done || !exit) return;
        this.#done = true;
        liveGroups.delete(this.pid);
        releaseGroup(this.pid);
        const info = {
          exit_code: exit.code,
          signal: exit.signal,
          duration_ms: round(performance.now() - started),
        };
        // Resolved once the files are complete, so that a parser reads all of them.
        this.#flushLog();
        void Promise.all([endStream(this.#log), endStream(this.#stdout)]).then(() => resolve(info));
      };
      this.#child.on('error', (error) => {
        onData(Buffer.from(`${error.message}\n`));
        exit = { code: 127, signal: null };
        this.#ended ??= exit;
        finish();
      });
      this.#child.on('exit', (code, signal) => {
        exit = { code, signal };
        this.#ended = exit;
        if (options.keepGroup && groupAlive(this.pid)) {
          this.#linger(options.keepGroup, started, exit, resolve);
          return;
        }
        // Reap whatever the command left in its group (background jobs, workers);
        // this also closes the pipes they held, so 'close' follows.
        signalGroup(this.pid, 'SIGKILL');
        // Unless a process that left the group (setsid) holds them: stop waiting for its
        // output; the run's sweep (sweepEscapedSync) finds it by its token and kills it.
        const held = setTimeout(() => {
          this.escaped = true;
          this.#child.stdout?.destroy();
          this.#child.stderr?.destroy();
          finish();
        }, PIPE_GRACE_MS);
        held.unref();
        this.#child.once('close', () => clearTimeout(held));
      });
      this.#child.on('close', finish);
    });
  }

  /** The command exited, its group lives on (keepGroup): resolve now, stop the group later. */
  #linger(
    keepGroup: NonNullable<SpawnOptions['keepGroup']>,
    started: number,
    exit: Ended,
    resolve: (info: ExitInfo) => void,
  ): void {
    this.#done = true;
    this.lingering = true;
    keepGroup(() => this.#stopLingering());
    resolve({ exit_code: exit.code, signal: exit.signal, duration_ms: round(performance.now() - started) });
  }

  async #stopLingering(graceMs = 3000): Promise<void> {
    if (!this.lingering) return;
    this.lingering = false;
    signalGroup(this.pid, 'SIGTERM');
    const deadline = performance.now() + graceMs;
    while (groupAlive(this.pid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    signalGroup(this.pid, 'SIGKILL');
    liveGroups.delete(this.pid);
    releaseGroup(this.pid);
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
    this.#flushLog();
    await Promise.all([endStream(this.#log), endStream(this.#stdout)]);
  }

  /**
   * How the command ended (exit code or signal), from the moment it did, before its output is
   * complete (`done`); null while it runs.
   */
  get ended(): Ended | null {
    return this.#ended;
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
  }, timerDelay(options.timeoutMs));
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

function endStream(stream: WriteStream | null): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.end(() => resolve());
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
