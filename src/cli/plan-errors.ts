/**
 * Showing plan problems on the terminal.
 */
import { formatDiagnostic } from '../plan/diagnostic.js';
import type { LoadedPlan } from '../plan/load.js';
import { PlanError, PlanNotFoundError } from '../plan/load-errors.js';
import { loadPlanCached } from '../plan/plan-cache.js';

/** Load a plan, printing every problem; returns null (after printing) when it is invalid. */
export async function loadPlanOrReport(file: string, color: boolean): Promise<LoadedPlan | null> {
  try {
    const loaded = await loadPlanCached(file, file);
    for (const w of loaded.warnings)
      process.stderr.write(`${formatDiagnostic(w, loaded.source.text, color)}\n\n`);
    return loaded;
  } catch (error) {
    if (error instanceof PlanError) {
      for (const d of error.diagnostics)
        process.stderr.write(`${formatDiagnostic(d, error.source, color)}\n\n`);
      process.stderr.write(`${file}: ${error.message}\n`);
      return null;
    }
    if (error instanceof PlanNotFoundError) {
      process.stderr.write(
        `preflight: ${error.message}\n  hint: pass --plan FILE, or run \`preflight init\` to write one\n`,
      );
      return null;
    }
    throw error;
  }
}

/** Whether stderr should be coloured. */
export function stderrColor(flag: boolean | undefined): boolean {
  return flag !== false && process.stderr.isTTY === true && !process.env.NO_COLOR;
}
