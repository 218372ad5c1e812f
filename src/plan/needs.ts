/**
 * What a plan needs from where it runs: the names (never the values) of the environment
 * variables and secrets its templates read. A name read only with a fallback
 * (`{{ env.X ?? '…' }}`) is optional.
 */
import type { Plan } from './schema.js';

/** Names a plan reads, sorted. */
export interface PlanNeeds {
  env: string[];
  /** Read only with a fallback somewhere: the run works without them. */
  env_optional: string[];
  secrets: string[];
}

const REF = /\{\{\s*(env|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*(\?\?)?/g;

/** The environment variables and secrets a plan's templates read, by name. */
export function planNeeds(plan: Plan): PlanNeeds {
  const required = { env: new Set<string>(), secrets: new Set<string>() };
  const optional = { env: new Set<string>(), secrets: new Set<string>() };
  eachString(plan, (text) => {
    if (!text.includes('{{')) return;
    for (const m of text.matchAll(REF)) {
      const kind = m[1] as 'env' | 'secrets';
      (m[3] ? optional : required)[kind].add(m[2] as string);
    }
  });
  const sorted = (s: Set<string>): string[] => [...s].sort();
  return {
    env: sorted(required.env),
    env_optional: sorted(new Set([...optional.env].filter((n) => !required.env.has(n)))),
    // A secret is named whether it has a fallback or not: it is the thing a reader must provide.
    secrets: sorted(new Set([...required.secrets, ...optional.secrets])),
  };
}

// A plain recursive walk: nested generators (`yield*`) cost O(depth) per string, and a
// 200-path plan spent 100 ms here.
function eachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) eachString(item, visit);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) eachString(item, visit);
}
