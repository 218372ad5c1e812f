/**
 * The plan's permission to skip a check (`optional`, `when`), wrapped around its definition:
 * a `when` that does not hold skips the check before it starts, as the plan allows; a skip the
 * check itself decides is allowed only when the section is `optional`. A check asked for by
 * name (`--only cache`) whose `when` does not hold could not run: the user wanted it.
 */

import { type Gate, unmetWhen } from '../plan/gate.js';
import type { Plan } from '../plan/schema.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

/** The section of the plan a check comes from, as far as its gate goes. */
export function gateOf(plan: Plan, check: { id: string; kind: string }): Gate | undefined {
  switch (check.id) {
    case 'paths':
      return plan.paths;
    case 'cache':
      return plan.cache;
    case 'metrics':
      return plan.metrics;
    case 'contract':
      return plan.contract;
    case 'database':
      return plan.database;
    case 'migrations':
      // The string form (`migrations: alembic`) takes every default: no gate.
      return typeof plan.database?.migrations === 'object' ? plan.database.migrations : undefined;
    case 'config':
      return plan.staging?.config;
    case 'rehearsal':
      return plan.staging;
    case 'logs':
      return plan.logs && !Array.isArray(plan.logs) ? plan.logs : undefined;
    default:
      return plan.checks?.[check.id];
  }
}

/** The definition with its gate applied. */
export function applyGate(
  check: CheckDefinition,
  gate: Gate | undefined,
  context: { env: Record<string, string | undefined>; explicit: boolean },
): CheckDefinition {
  if (!gate?.optional && !gate?.when) return check;
  const optional = gate.optional === true;
  return {
    ...check,
    skipAllowed: optional,
    run: async (ctx): Promise<CheckOutcome> => {
      const unmet = unmetWhen(gate, context.env);
      if (unmet.length > 0) {
        const what = `${unmet.join(', ')} ${unmet.length === 1 ? 'is' : 'are'} not set`;
        if (context.explicit) {
          const message = `${check.id} was asked for by name, but ${what} (the plan runs it only when: { env: ${[gate.when?.env].flat().join(', ')} }): set ${unmet.length === 1 ? 'it' : 'them'} to run it`;
          return { status: 'error', summary: message, error: { code: 'CHECK_CONDITION_UNMET', message } };
        }
        return { status: 'skip', summary: what, skip_reason: what, skip_allowed: true };
      }
      const outcome = await check.run(ctx);
      return outcome.status === 'skip' && optional ? { ...outcome, skip_allowed: true } : outcome;
    },
  };
}
