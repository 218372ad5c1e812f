/**
 * The plan's schema, composed: the plan's own keys (`PlanBase`, schema.ts) and each check
 * kind's keys (its `plan.ts`), in the registry's order. The `Plan` type is inferred from the
 * same list, so a new kind's section is in the plan's schema, its JSON Schema, its type and
 * `validate` by being in `CHECK_KINDS`. This module loads zod and every kind's section: only
 * a parse that misses the plan cache, `preflight schema` and the library load it.
 *
 * The plan room's one import from src/checks/: the registry's list.
 */
import { z } from 'zod';
import type { CheckKind, SectionShape } from '../checks/kind.js';
import { CHECK_KINDS } from '../checks/registry.js';
import type { Diagnostic } from './diagnostic.js';
import { PlanBase } from './schema.js';
import type { YamlSource } from './yaml-source.js';

/** The section shape a kind declares (none: `{}`). */
type ShapeOf<K> =
  K extends CheckKind<infer S> ? (string extends keyof S ? Record<never, never> : S) : Record<never, never>;
type MergeShapes<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? ShapeOf<H> & MergeShapes<R>
  : Record<never, never>;

/** A plan's schema as composed from a list of kinds, with the kinds' semantic checks. */
export interface ComposedPlan<Spec extends z.ZodType = z.ZodType> {
  spec: Spec;
  /** Every kind's problems of a schema-valid plan. */
  semantics: (plan: z.output<Spec>, source: YamlSource) => Diagnostic[];
  /** The JSON Schema, for editors and for the keys a diagnostic suggests (made once). */
  jsonSchema: () => Record<string, unknown>;
}

/** Compose the plan's schema from the base and the sections of `kinds` (each key owned once). */
export async function composePlan(kinds: readonly CheckKind[]): Promise<ComposedPlan> {
  const loaded = await Promise.all(kinds.map(async (kind) => ({ kind, part: await kind.plan?.() })));
  const parts = loaded.flatMap(({ part }) => (part ? [part] : []));
  const owner = new Map<string, string>(Object.keys(PlanBase.shape).map((key) => [key, 'the plan']));
  const shape: Record<string, z.core.$ZodType> = {};
  for (const { kind, part } of loaded) {
    for (const [key, schema] of Object.entries((part?.section ?? {}) as SectionShape)) {
      const taken = owner.get(key);
      if (taken) throw new Error(`plan key "${key}" of kind ${kind.section} is already ${taken}'s`);
      owner.set(key, `kind ${kind.section}`);
      shape[key] = schema;
    }
  }
  const spec = PlanBase.extend(shape);
  let json: Record<string, unknown> | undefined;
  return {
    spec,
    semantics: (plan, source) => parts.flatMap((part) => part.semantics?.(plan as never, source) ?? []),
    jsonSchema: () => {
      json ??= toJsonSchema(spec);
      return json;
    },
  };
}

const composed = await composePlan(CHECK_KINDS);

/** The plan's schema: the single source of truth for `preflight.yaml`. */
export const PlanSpec = composed.spec as ReturnType<typeof PlanBase.extend<MergeShapes<typeof CHECK_KINDS>>>;

export type Plan = z.output<typeof PlanSpec>;

/** The registry's plan: schema, kinds' semantics, JSON Schema. */
export const registryPlan = composed as ComposedPlan<typeof PlanSpec>;

/** The JSON Schema of the plan, for editors (`# yaml-language-server: $schema=...`). */
export function planJsonSchema(): Record<string, unknown> {
  return composed.jsonSchema();
}

function toJsonSchema(spec: z.ZodType): Record<string, unknown> {
  const schema = z.toJSONSchema(spec, {
    io: 'input',
    // A schema used in several places (a step, a matcher) once, under $defs: 80 KB, not 800.
    reused: 'ref',
    unrepresentable: 'any',
    // A bigint is how a YAML integer beyond 2^53 arrives: an integer to an editor.
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'bigint') ctx.jsonSchema.type = 'integer';
    },
  }) as Record<string, unknown>;
  return { ...schema, $id: 'https://preflight.dev/schema/plan.json', title: 'preflight plan' };
}
