/**
 * A check section's permission to skip (`optional`, `when`), as the run reads it. Kept apart
 * from its schema (schema-gate.ts) so that a run does not load zod to apply a gate.
 */

/** A section's permission to skip. */
export interface Gate {
  optional?: boolean | undefined;
  when?: { env: string | string[] } | undefined;
}

/** The environment variables of `when` that are not set (empty: the condition holds). */
export function unmetWhen(gate: Gate | undefined, env: Record<string, string | undefined>): string[] {
  const names = gate?.when ? [gate.when.env].flat() : [];
  return names.filter((n) => !env[n]);
}
