/**
 * Runs kept Postman scripts in a worker thread with strict limits: a heap cap (a script that
 * allocates without end kills its worker, not preflight) and a wall-clock deadline per
 * execution (the worker is terminated, so even `while (true) {}` ends). One worker per path
 * run, started on its first script and replaced after a crash or a timeout.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker.js';
import type { ScriptJob, ScriptReply, ScriptStarted } from './script-types.js';

/** Limits of one script execution. */
export interface ScriptLimits {
  timeoutMs: number;
  /** Heap of the worker, MiB. */
  memoryMb: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = { timeoutMs: 10_000, memoryMb: 128 };

/** What the host needs of a job; it adds the id and the limit. */
export type ScriptRequest = Omit<ScriptJob, 'id' | 'timeoutMs'>;

interface Pending {
  resolve: (reply: ScriptReply) => void;
  timer: NodeJS.Timeout;
}

/** How long a new worker may take to boot its sandbox before the job fails. */
const BOOT_LIMIT_MS = 60_000;

/** The scripts of one path run. */
export class ScriptHost {
  readonly #limits: ScriptLimits;
  #worker: Worker | undefined;
  readonly #pending = new Map<string, Pending>();

  constructor(limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS) {
    this.#limits = limits;
  }

  /** Run one script; never throws (a crash, a timeout or a syntax error is the reply's `error`). */
  run(request: ScriptRequest): Promise<ScriptReply> {
    const id = randomUUID();
    const job: ScriptJob = { ...request, id, timeoutMs: this.#limits.timeoutMs };
    return new Promise<ScriptReply>((resolve) => {
      const worker = this.#start();
      // Until the script begins, only a worker that never boots is stopped (BOOT_LIMIT_MS);
      // the script's own deadline starts with its "started" message.
      const timer = this.#deadline(worker, id, BOOT_LIMIT_MS, 'the script worker did not start');
      this.#pending.set(id, { resolve, timer });
      worker.postMessage(job);
    });
  }

  /** The script began: its deadline (the sandbox's own, and this backstop 1 s later) starts now. */
  #started(worker: Worker, id: string): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.timer = this.#deadline(
      worker,
      id,
      this.#limits.timeoutMs + 1_000,
      `the script did not finish within ${this.#limits.timeoutMs / 1000} s`,
    );
  }

  #deadline(worker: Worker, id: string, ms: number, message: string): NodeJS.Timeout {
    return setTimeout(() => {
      this.#settle(id, this.#error(id, message));
      void this.#stop(worker);
    }, ms);
  }

  /** Start the worker now (it boots the sandbox while the first requests are in flight). */
  warm(): void {
    this.#start();
  }

  /** Stop the worker, if one was started. */
  async close(): Promise<void> {
    if (this.#worker) await this.#stop(this.#worker);
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(import.meta.url, 'script-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.#limits.memoryMb, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    worker.on('message', (reply: ScriptReply | ScriptStarted) =>
      'started' in reply ? this.#started(worker, reply.id) : this.#settle(reply.id, reply),
    );
    worker.on('error', (error: Error) => this.#fail(worker, describeCrash(error, this.#limits)));
    worker.on('exit', () => this.#fail(worker, 'the script worker stopped'));
    this.#worker = worker;
    return worker;
  }

  /** Every job still waiting on `worker` gets `message`; the next job starts a new worker. */
  #fail(worker: Worker, message: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    for (const id of [...this.#pending.keys()]) this.#settle(id, this.#error(id, message));
  }

  async #stop(worker: Worker): Promise<void> {
    if (this.#worker === worker) this.#worker = undefined;
    await worker.terminate();
  }

  #settle(id: string, reply: ScriptReply): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(reply);
  }

  #error(id: string, message: string): ScriptReply {
    return { id, assertions: [], set: {}, unset: [], error: message };
  }
}

function describeCrash(error: Error, limits: ScriptLimits): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY')
    return `the script used more than its ${limits.memoryMb} MiB of memory`;
  return `the script worker crashed: ${error.message}`;
}
