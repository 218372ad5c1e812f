/**
 * The reporter interface (Playwright/k6 style): a run calls these hooks as it goes, and a
 * reporter shows what it is given. Only `onRunEnd` is required; the others are opt-in extras.
 */
import type { StepResult } from '../checks/paths/result.js';
import type { CheckResult } from '../checks/result.js';
import type { RunResult } from '../run/result.js';

/** A check as announced before it runs. */
export interface CheckRef {
  id: string;
  kind: string;
}

/** What a reporter learns when a run starts. */
export interface RunStartInfo {
  runId: string;
  planFile: string;
  service: string;
  checks: CheckRef[];
}

/** Receives the progress and the result of a run; shows results and never recomputes them. */
export interface Reporter {
  /** Shown in error messages when this reporter throws. */
  readonly name?: string;
  onRunStart?(info: RunStartInfo): void;
  onCheckStart?(check: CheckRef): void;
  onStepEnd?(path: string, step: StepResult): void;
  onCheckEnd?(result: CheckResult): void;
  onRunEnd(result: RunResult): Promise<void> | void;
  /**
   * Waits for work `onRunEnd` handed off (the history store writes in a thread of its own while
   * the next reporters run); the run ends only when every reporter's flush has.
   */
  flush?(): Promise<void>;
}

/** Called with what a reporter threw (or rejected with) and the reporter's name. */
export type ReporterErrorHandler = (error: unknown, name: string) => void;

/**
 * One reporter that forwards every hook to `reporters`, in order. A reporter that throws or
 * rejects is reported to `onReporterError` and never stops the others nor the run.
 */
export function createMultiplexer(reporters: Reporter[], onReporterError: ReporterErrorHandler): Reporter {
  const named = reporters.map((reporter, i) => ({ reporter, name: reporter.name ?? `reporter #${i + 1}` }));
  const each = (call: (reporter: Reporter) => void): void => {
    for (const { reporter, name } of named) {
      try {
        call(reporter);
      } catch (error) {
        report(onReporterError, error, name);
      }
    }
  };
  return {
    name: 'multiplexer',
    onRunStart: (info) => each((r) => r.onRunStart?.(info)),
    onCheckStart: (check) => each((r) => r.onCheckStart?.(check)),
    onStepEnd: (path, step) => each((r) => r.onStepEnd?.(path, step)),
    onCheckEnd: (result) => each((r) => r.onCheckEnd?.(result)),
    async onRunEnd(result) {
      // Sequential, so the terminal summary and the files are written in a stable order.
      for (const { reporter, name } of named) {
        try {
          await reporter.onRunEnd(result);
        } catch (error) {
          report(onReporterError, error, name);
        }
      }
      for (const { reporter, name } of named) {
        try {
          await reporter.flush?.();
        } catch (error) {
          report(onReporterError, error, name);
        }
      }
    },
  };
}

function report(handler: ReporterErrorHandler, error: unknown, name: string): void {
  try {
    handler(error, name);
  } catch {
    // The error handler itself failed; the run must still go on.
  }
}
