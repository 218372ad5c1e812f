/**
 * preflight as a library: `import { loadPlan, runPlan } from 'preflight'`.
 */

export type * from './checks/cache/result.js';
export type * from './checks/paths/result.js';
export type * from './checks/rehearsal/result.js';
export type * from './checks/result.js';
export { type Diagnostic, formatDiagnostic } from './plan/diagnostic.js';
export { type LoadedPlan, loadPlan, PlanError, parsePlan } from './plan/load.js';
export type * from './plan/source-ref.js';
export { type Plan, PlanSpec, planJsonSchema } from './plan/spec.js';
export type { Reporter } from './report/reporter.js';
export type * from './run/result.js';
export { type RunOptions, runPlan } from './run/run.js';
export { decideVerdict } from './run/verdict.js';
export { Redactor } from './secrets/redactor.js';
export {
  openStore,
  parseStoreLocation,
  type RunStore,
  type StoreLocation,
  storeLocationFor,
} from './store/index.js';

import { loadPlan } from './plan/load.js';
import type { RunResult } from './run/result.js';
import { type RunOptions, runPlan } from './run/run.js';

/** Load the plan file and run it: the one-call library entry point. */
export async function run(planFile: string, options: Omit<RunOptions, 'loaded'> = {}): Promise<RunResult> {
  return runPlan({ ...options, loaded: await loadPlan(planFile) });
}
