/** The command checks' part of the plan: `checks.<id>`, and that each check's `needs` names a check. */
import { z } from 'zod';
import { CommandCheckSpec } from '../../plan/schema.js';
import type { KindPlan } from '../kind.js';

export const section = {
  checks: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), CommandCheckSpec).optional(),
};

export const commandPlan: KindPlan<typeof section> = {
  section,
  semantics: (plan, source) => {
    const checks = plan.checks ?? {};
    const known = [...Object.keys(checks), 'paths', 'service'];
    return Object.entries(checks).flatMap(([id, check]) =>
      (check.needs ?? []).flatMap((need, i) =>
        known.includes(need)
          ? []
          : [
              {
                code: 'PLAN_UNKNOWN_CHECK',
                severity: 'error' as const,
                message: `check "${id}" needs "${need}", which is not a check`,
                file: source.file,
                ...source.spanOf(['checks', id, 'needs', i]),
                hint: `known: ${known.join(', ')}`,
              },
            ],
      ),
    );
  },
};
