/**
 * `preflight validate`: every problem of a plan at once.
 */
import { EXIT } from './exit-codes.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';

/** Validate a plan; exit 0 when valid (warnings allowed), 2 when not. */
export async function validateCommand(opts: { plan: string; color?: boolean }): Promise<number> {
  const loaded = await loadPlanOrReport(opts.plan, stderrColor(opts.color));
  if (!loaded) return EXIT.USAGE;
  const paths = loaded.plan.critical_paths?.length ?? 0;
  const checks = Object.keys(loaded.plan.checks ?? {}).length;
  const warnings = loaded.warnings.length;
  process.stdout.write(
    `${opts.plan}: valid (${checks} command check${checks === 1 ? '' : 's'}, ${paths} critical path${paths === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`,
  );
  return EXIT.GO;
}
