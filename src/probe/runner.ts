/**
 * What both load models share: the compiled paths, one sender, the per-path records
 * and running counts, and `run()`, which runs one iteration and records how it ended.
 * Everything per path is built once, so an iteration allocates only what it must.
 */
import type { CriticalPath, Duration } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import { compilePath } from './compiled.js';
import type { ProbeDispatcher } from './dispatcher.js';
import { type IterationContext, runIteration } from './iteration.js';
import { createPathRecords, type PathRecord } from './recorder.js';
import { ProbeSender } from './sender.js';

/** What a runner needs. */
export interface RunnerOptions {
  paths: CriticalPath[];
  baseUrl: string;
  /** A fresh scope for one iteration (`n` counts iterations of this probe). */
  scope: (n: number) => TemplateScope;
  stepTimeout: Duration;
  dispatcher: ProbeDispatcher;
  signal: AbortSignal;
  /** Keep every latency in the records (for the before/after comparison), not only histograms. */
  keepSamples?: boolean;
}

/** Running totals, for progress. */
export interface RunCounts {
  requests: number;
  iterations: number;
  errors: number;
}

/** Runs and records iterations of the probe's paths. */
export class IterationRunner {
  readonly records: PathRecord[];
  readonly counts: RunCounts = { requests: 0, iterations: 0, errors: 0 };
  readonly #contexts: IterationContext[];
  /** Paths of one step: their step's latencies are the path's, recorded once (see close()). */
  readonly #singleStep: boolean[];
  readonly #sender: ProbeSender;
  readonly #scope: (n: number) => TemplateScope;

  constructor(o: RunnerOptions) {
    this.records = createPathRecords(o.paths, o.keepSamples === true);
    this.#sender = new ProbeSender(o.dispatcher, o.signal);
    this.#scope = o.scope;
    this.#singleStep = o.paths.map((path) => path.steps.length === 1);
    this.#contexts = o.paths.map((path, i) => {
      const record = this.records[i] as PathRecord;
      const counts = this.counts;
      // A one-step iteration's latency is its step's, to the bit, and both are recorded for
      // exactly the same iterations (none for cancelled ones): the path's histogram is copied
      // into the step's at the end instead of recording every value twice (hdr-histogram-js's
      // recordValue, with its log2 and pow calls, is a measurable part of the CPU per request).
      const single = this.#singleStep[i] === true;
      return {
        compiled: compilePath(path, o.baseUrl, o.stepTimeout),
        baseUrl: o.baseUrl,
        sender: this.#sender,
        recorder: {
          step: (stepIndex: number, ms: number, error: string | null): void => {
            counts.requests++;
            record.requests++;
            const step = record.steps[stepIndex];
            if (!step) return;
            if (!single) step.histogram.record(ms);
            step.samples?.push(ms);
            if (error !== null) step.errors++;
          },
        },
      };
    });
  }

  /** Run iteration `n` of path `pathIndex`, timed from `start`, and record it. Never throws. */
  async run(pathIndex: number, start: number, n: number): Promise<void> {
    const context = this.#contexts[pathIndex] as IterationContext;
    const record = this.records[pathIndex] as PathRecord;
    const scope = context.compiled.needsScope ? this.#scope(n) : null;
    const outcome = await runIteration(context, scope, start);
    if ('cancelled' in outcome) return;
    record.iterations++;
    this.counts.iterations++;
    record.histogram.record(outcome.ms);
    record.samples?.push(outcome.ms);
    if (!outcome.ok) {
      record.errors++;
      this.counts.errors++;
      record.firstError ??= outcome.error;
    }
  }

  /** Stop listening to the cancellation signal, and complete the records; called once, when every iteration ended. */
  close(): void {
    this.#sender.close();
    for (const [i, record] of this.records.entries())
      if (this.#singleStep[i]) record.steps[0]?.histogram.add(record.histogram);
  }
}
