/**
 * Newman (the dev dependency) run as a library on a collection, and what it decided per
 * request: each assertion's name and outcome, and whether the request's test script threw.
 */
import { createRequire } from 'node:module';

/** One request as Newman ran it. */
export interface NewmanExecution {
  name: string;
  assertions: { name: string; passed: boolean }[];
  /** The test script threw (Newman then runs none of its later tests). */
  scriptError: boolean;
}

export interface NewmanRun {
  executions: NewmanExecution[];
  failures: number;
  durationMs: number;
}

interface Summary {
  run: {
    executions: {
      item: { name: string };
      cursor: { ref: string };
      assertions?: { assertion: string; error?: unknown; skipped?: boolean }[];
    }[];
    failures: { at: string; error: { name: string }; cursor: { ref: string } }[];
  };
}

const require = createRequire(import.meta.url);
const newman = require('newman') as {
  run(options: Record<string, unknown>, done: (error: Error | null, summary: Summary) => void): void;
};

/** Run a collection with Newman against `baseUrl` (its `baseUrl` variable), with an environment file. */
export function runNewman(
  collection: string,
  options: { baseUrl: string; environment?: string },
): Promise<NewmanRun> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        ...(options.environment ? { environment: options.environment } : {}),
        envVar: [{ key: 'baseUrl', value: options.baseUrl }],
        reporters: [],
        timeoutRequest: 10_000,
      },
      (error, summary) => {
        if (error) return reject(error);
        const thrown = new Set(
          summary.run.failures
            .filter((f) => f.error.name !== 'AssertionError' && /script/.test(f.at))
            .map((f) => f.cursor.ref),
        );
        resolve({
          durationMs: performance.now() - start,
          failures: summary.run.failures.length,
          executions: summary.run.executions.map((e) => ({
            name: e.item.name,
            assertions: (e.assertions ?? [])
              .filter((a) => !a.skipped)
              .map((a) => ({ name: a.assertion, passed: !a.error })),
            scriptError: thrown.has(e.cursor.ref),
          })),
        });
      },
    );
  });
}
