/**
 * Step timeouts for requests sent one after another (the steps of one path run). A fresh
 * AbortController, abort listener and timer per request cost more than a small API's whole
 * exchange, so one timer is re-armed request after request, and one listener on the run's
 * signal cancels whichever request is in flight.
 */

import { timerDelay } from '../plan/duration.js';
/** What a deadline ends: the request in flight. */
export interface Expirable {
  /** The timeout fired. */
  expire(): void;
  /** The run was cancelled. */
  abort(reason: Error): void;
}

/** The timeout of one request at a time. */
export interface RequestDeadline {
  /** Arm the timeout for `target`, a request about to be sent. */
  start(timeoutMs: number, target: Expirable): void;
  /** The request is over. */
  end(): void;
}

/** The timeout of the request in flight, for requests sent one after another. */
export class SequentialDeadline implements RequestDeadline {
  #target: Expirable | null = null;
  #timer: NodeJS.Timeout | undefined;
  #timerMs = -1;
  readonly #run: AbortSignal;
  readonly #onRunAbort = (): void => this.#target?.abort(cancelReason(this.#run));

  /** `run` is the run's cancellation: it aborts the request in flight. */
  constructor(run: AbortSignal) {
    this.#run = run;
    run.addEventListener('abort', this.#onRunAbort, { once: true });
  }

  start(timeoutMs: number, target: Expirable): void {
    this.#target = target;
    if (this.#timer && this.#timerMs === timeoutMs) this.#timer.refresh();
    else {
      clearTimeout(this.#timer);
      this.#timerMs = timeoutMs;
      this.#timer = setTimeout(() => this.#fire(), timerDelay(timeoutMs));
    }
  }

  end(): void {
    // The timer stays armed (re-armed by the next start): a late fire finds nothing in flight.
    this.#target = null;
  }

  /** Stop the timer and forget the run signal (the path run is over). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#run.removeEventListener('abort', this.#onRunAbort);
  }

  #fire(): void {
    const target = this.#target;
    this.#target = null;
    target?.expire();
  }
}

/** A deadline for a single request (callers that send one request, not a path run). */
export class SingleDeadline implements RequestDeadline {
  readonly #run: AbortSignal;
  #target: Expirable | null = null;
  #timer: NodeJS.Timeout | undefined;
  readonly #cancel = (): void => this.#target?.abort(cancelReason(this.#run));

  constructor(run: AbortSignal) {
    this.#run = run;
  }

  start(timeoutMs: number, target: Expirable): void {
    this.#target = target;
    this.#timer = setTimeout(() => this.#target?.expire(), timerDelay(timeoutMs));
    this.#run.addEventListener('abort', this.#cancel, { once: true });
  }

  end(): void {
    this.#target = null;
    clearTimeout(this.#timer);
    this.#run.removeEventListener('abort', this.#cancel);
  }
}

/** Why the run was cancelled, as an Error. */
function cancelReason(run: AbortSignal): Error {
  return run.reason instanceof Error ? run.reason : new Error('run cancelled');
}
