/**
 * Which checks a plan asks for, as definitions for the scheduler. The registry is the list of
 * check kinds (each kind's folder exports its descriptor from `kind.ts`); listing and building
 * iterate it, so adding a kind touches its folder and this list only.
 */
import type { Plan } from '../plan/spec.js';
import { cacheCheck } from './cache/kind.js';
import { commandChecks } from './command/kind.js';
import { configCheck } from './config/kind.js';
import { contractCheck } from './contract/kind.js';
import { databaseCheck } from './database/kind.js';
import type { CheckInstance, CheckKind, CheckSelection } from './kind.js';
import { logsCheck } from './logs/kind.js';
import { metricsCheck } from './metrics/kind.js';
import { migrationsCheck } from './migrations/kind.js';
import { pathsCheck } from './paths/kind.js';
import { rehearsalCheck } from './rehearsal/kind.js';
import { absentReport, type KindReports } from './report.js';
import type { CheckDefinition } from './types.js';

export type { CheckSelection } from './kind.js';

/** Every check kind, in the order their checks are listed. */
export const CHECK_KINDS = [
  commandChecks,
  pathsCheck,
  cacheCheck,
  databaseCheck,
  migrationsCheck,
  contractCheck,
  metricsCheck,
  configCheck,
  rehearsalCheck,
  logsCheck,
] as const satisfies readonly CheckKind[];

export class SelectionError extends Error {
  readonly code = 'USAGE_UNKNOWN_CHECK';
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/** The ids and kinds of every check the plan defines. */
export function listCheckIds(plan: Plan, kinds: readonly CheckKind[] = CHECK_KINDS): CheckInstance[] {
  return kinds.flatMap((k) => k.instances(plan));
}

/**
 * The report sections of the kinds that have checks in `result`, loaded, in the kinds' report
 * order: what the record, the terminal summary and the HTML page render synchronously. A kind
 * the result has no check of, with an `absent` note, stands in its order with that note only.
 */
export async function loadKindReports(
  result: { checks: readonly { kind: string }[] },
  kinds: readonly CheckKind[] = CHECK_KINDS,
): Promise<KindReports> {
  const present = new Set(result.checks.map((c) => c.kind));
  const refs = kinds.flatMap((k) =>
    k.report && (present.has(k.report.kind) || k.report.absent) ? [k.report] : [],
  );
  refs.sort((a, b) => a.order - b.order);
  return Promise.all(
    refs.map(async (ref) => ({
      kind: ref.kind,
      report: present.has(ref.kind) || !ref.absent ? await ref.load() : absentReport(ref.absent),
    })),
  );
}

/** Build the check definitions for a plan, filtered by the selection. */
export async function buildChecks(
  plan: Plan,
  selection: CheckSelection,
  kinds: readonly CheckKind[] = CHECK_KINDS,
): Promise<CheckDefinition[]> {
  const present = new Set(listCheckIds(plan, kinds).map((c) => c.kind));
  const ctx = { selection, has: (kind: string) => present.has(kind) };
  const all: CheckDefinition[] = [];
  for (const kind of kinds) all.push(...(await kind.define(plan, ctx)));
  const { applyGate, gateOf } = await import('./gate.js');
  const env = selection.env ?? process.env;
  const gated = all.map((c) =>
    applyGate(c, gateOf(plan, c), {
      env,
      explicit: selection.only?.includes(c.id) === true || selection.only?.includes(c.kind) === true,
    }),
  );
  if (!selection.only) return gated;
  const wanted = new Set(selection.only);
  const known = new Set(gated.flatMap((c) => [c.id, c.kind]));
  const unknown = [...wanted].filter((w) => !known.has(w));
  if (unknown.length > 0) {
    throw new SelectionError(
      `--only ${unknown.join(',')}: the plan has no such check (it has: ${[...known].join(', ')})`,
    );
  }
  return gated.filter((c) => wanted.has(c.id) || wanted.has(c.kind));
}
