/**
 * Run results for the store tests: any number of steps, unique ids and times.
 */
import type { StepResult } from '../../src/checks/paths/result.js';
import type { RunResult } from '../../src/run/result.js';
import { goRun, noGoRun } from '../unit/report-fixtures.js';

/** A run with id `runId`, started `index` minutes after a fixed time, with `steps` steps in one path. */
export function bigRun(runId: string, index: number, steps: number): RunResult {
  const result = index % 3 === 2 ? noGoRun() : goRun();
  result.run_id = runId;
  result.started_at = new Date(Date.UTC(2025, 2, 14, 9, 30) + index * 60_000).toISOString();
  result.service.version = `1.${index}.0`;
  const path = result.paths[0];
  if (path) path.steps = Array.from({ length: steps }, (_, i) => step(i, index));
  return result;
}

/** How many steps the first critical path of a run has (the one `bigRun` fills). */
export function stepsOf(result: RunResult): number {
  return result.paths[0]?.steps.length ?? 0;
}

function step(i: number, run: number): StepResult {
  return {
    name: `step ${i}`,
    status: 'pass',
    duration_ms: 10 + ((i * 7 + run) % 50),
    attempts: 1,
    flaky: false,
    response: { status: 200, headers: {}, body: 'x'.repeat(2048), size: 2048, truncated: false },
  };
}
