/**
 * Plans before and after: for two reviews (the baseline's result from `database.baseline`
 * and this run's, or two runs around a migration), the shapes whose plan changed, appeared or went.
 */
import { readFile } from 'node:fs/promises';
import type { CheckResult } from '../result.js';
import type { DatabaseReview, PlanChange } from './result.js';

export type { PlanChange };

/** The shapes whose plan differs between `before` and `after` (row estimates ignored). */
export function diffPlans(before: DatabaseReview, after: DatabaseReview): PlanChange[] {
  const old = new Map(before.plans.map((p) => [p.shape, p.plan]));
  const changes: PlanChange[] = [];
  for (const plan of after.plans) {
    const was = old.get(plan.shape);
    old.delete(plan.shape);
    if (was === undefined) changes.push({ shape: plan.shape, before: null, after: plan.plan });
    else if (!samePlan(was, plan.plan)) changes.push({ shape: plan.shape, before: was, after: plan.plan });
  }
  for (const [shape, plan] of old) changes.push({ shape, before: plan, after: null });
  return changes;
}

function samePlan(a: string[], b: string[]): boolean {
  const strip = (lines: string[]) =>
    lines.map((l) => l.replace(/\((rows|actual)=[^)]*\)/g, '').replace(/\$?\b\d+\b/g, '?'));
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** The baseline file could not be read as a result with a database review. */
export class BaselineResultError extends Error {
  readonly code = 'DATABASE_BASELINE_UNREADABLE';
}

/** The database review in a JSON result written by `preflight run --json`. */
export async function readBaselineReview(file: string): Promise<DatabaseReview> {
  // A JSON result (RunResult): only its checks are read here.
  let result: { checks?: CheckResult[] };
  try {
    result = JSON.parse(await readFile(file, 'utf8')) as { checks?: CheckResult[] };
  } catch (error) {
    throw new BaselineResultError(
      `database.baseline ${file} is not a readable JSON result: ${(error as Error).message}`,
    );
  }
  const review = result.checks?.find((c) => c.database)?.database;
  if (!review)
    throw new BaselineResultError(
      `database.baseline ${file} has no database review: write it with \`preflight run --only database --json FILE\``,
    );
  return review;
}
