/**
 * Step timeouts for requests sent one after another (the steps of one path run). A fresh
 * AbortController and timer per request cost more than a small API's whole exchange, so one
 * controller serves request after request until it is aborted, and one timer is re-armed.
 */

/** The abort signal and timeout of the request in flight; one request at a time. */
export class SequentialDeadline {
  #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #timerMs = -1;
  #inFlight = false;
  #timedOut = false;
  readonly #run: AbortSignal;
  readonly #onRunAbort = (): void => this.#controller.abort(this.#run.reason);

  /** `run` is the run's cancellation: it aborts the request in flight. */
  constructor(run: AbortSignal) {
    this.#run = run;
    run.addEventListener('abort', this.#onRunAbort, { once: true });
  }

  /** Arm the timeout for a request about to be sent; the signal to give it. */
  start(timeoutMs: number): AbortSignal {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    if (this.#run.aborted) this.#controller.abort(this.#run.reason);
    this.#inFlight = true;
    this.#timedOut = false;
    if (this.#timer && this.#timerMs === timeoutMs) this.#timer.refresh();
    else {
      clearTimeout(this.#timer);
      this.#timerMs = timeoutMs;
      this.#timer = setTimeout(() => this.#fire(), timeoutMs);
    }
    return this.#controller.signal;
  }

  /** The request is over; whether it ended because its timeout fired. */
  end(): boolean {
    // The timer stays armed (re-armed by the next start): a late fire finds nothing in flight.
    this.#inFlight = false;
    return this.#timedOut;
  }

  /** Stop the timer and forget the run signal (the path run is over). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#run.removeEventListener('abort', this.#onRunAbort);
  }

  #fire(): void {
    if (!this.#inFlight) return;
    this.#timedOut = true;
    this.#controller.abort(new Error('step timeout'));
  }
}
