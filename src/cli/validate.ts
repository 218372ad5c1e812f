/**
 * `preflight validate`: every problem of a plan at once.
 */
import { CHECK_KINDS, listCheckIds } from '../checks/registry.js';
import type { Plan } from '../plan/schema.js';
import { countScriptTests } from '../plan/script-names.js';
import { EXIT } from './exit-codes.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';

/** Validate a plan; exit 0 when valid (warnings allowed), 2 when not. */
export async function validateCommand(opts: { plan: string; color?: boolean }): Promise<number> {
  const loaded = await loadPlanOrReport(opts.plan, stderrColor(opts.color), { todos: 'list' });
  if (!loaded) return EXIT.USAGE;
  const paths = loaded.plan.critical_paths?.length ?? 0;
  const checks = Object.keys(loaded.plan.checks ?? {}).length;
  const warnings = loaded.warnings.length;
  process.stdout.write(
    `${opts.plan}: valid (${checks} command check${checks === 1 ? '' : 's'}, ${paths} critical path${paths === 1 ? '' : 's'}${otherChecks(loaded.plan)}${assertionCounts(loaded.plan)}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`,
  );
  return EXIT.GO;
}

/** `, migrations check` (`, cache, migrations checks`): the plan's checks besides commands and paths. */
function otherChecks(plan: Plan): string {
  const others = CHECK_KINDS.filter((k) => k.section !== 'checks' && k.section !== 'critical_paths');
  const ids = listCheckIds(plan, others).map((c) => c.id);
  return ids.length > 0 ? `, ${ids.join(', ')} check${ids.length === 1 ? '' : 's'}` : '';
}

/** `, 32 steps, 380 named assertions (379 declarative, 1 in scripts)` when the plan has named assertions or scripts. */
function assertionCounts(plan: Plan): string {
  const steps = (plan.critical_paths ?? []).flatMap((p) => [...p.steps, ...(p.teardown ?? [])]);
  const declarative = steps.reduce((n, s) => n + (s.assertions?.length ?? 0), 0);
  let scripted = 0;
  for (const s of steps) {
    if (!s.script) continue;
    const parts = typeof s.script === 'string' ? [s.script] : [s.script.prerequest, s.script.test];
    for (const code of parts) if (code) scripted += Math.max(0, countScriptTests(code));
  }
  if (declarative + scripted === 0) return '';
  const total = declarative + scripted;
  return `, ${steps.length} steps, ${total} named assertion${total === 1 ? '' : 's'} (${declarative} declarative, ${scripted} in scripts)`;
}
