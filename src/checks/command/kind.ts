/** `checks.<id>`: ruff (`lint`), pytest (`unit`) and any other command. */
import type { CommandCheck } from '../../plan/schema.js';
import type { CheckKind } from '../kind.js';
import type { section } from './plan.js';

/** The kind shown for a command check: its id when well known, else by its parser. */
export function commandKind(id: string, spec: CommandCheck): string {
  if (id === 'lint' || id === 'unit') return id;
  if (spec.parse === 'ruff') return 'lint';
  if (spec.parse === 'junit') return 'unit';
  return 'command';
}

export const commandChecks: CheckKind<typeof section> = {
  section: 'checks',
  plan: () => import('./plan.js').then((m) => m.commandPlan),
  instances: (plan) =>
    Object.entries(plan.checks ?? {}).map(([id, spec]) => ({ id, kind: commandKind(id, spec) })),
  define: async (plan) => {
    const entries = Object.entries(plan.checks ?? {});
    if (entries.length === 0) return [];
    const { defineCommandCheck } = await import('./check.js');
    return entries.map(([id, spec]) => defineCommandCheck(id, spec));
  },
};
