/**
 * Showing plan problems on the terminal.
 */
import pc from 'picocolors';
import { formatDiagnostic } from '../plan/diagnostic.js';
import type { LoadedPlan } from '../plan/load.js';
import { PlanError, PlanNotFoundError } from '../plan/load-errors.js';
import { loadPlanCached } from '../plan/plan-cache.js';
import { summarizeTodos } from '../plan/todo.js';

/** How a command shows the plan's TODO placeholders. */
export interface TodoDisplay {
  /** `list`: a warning each (validate, --verbose); otherwise one line saying how to list them. */
  todos: 'list' | 'summary';
  /** The end of the summary line: how to see them all. */
  listWith?: string;
}

const LIST_WITH = 'run `preflight validate` to list them';

/**
 * Load a plan, printing every problem; returns null (after printing) when it is invalid.
 * TODO placeholders (PLAN_TODO) are summarised in one line unless `display.todos` is `list`.
 */
export async function loadPlanOrReport(
  file: string,
  color: boolean,
  display: TodoDisplay = { todos: 'summary' },
): Promise<LoadedPlan | null> {
  try {
    const loaded = await loadPlanCached(file, file);
    const summarise = display.todos === 'summary';
    for (const w of loaded.warnings) {
      if (summarise && w.code === 'PLAN_TODO') continue;
      process.stderr.write(`${formatDiagnostic(w, loaded.source.text, color)}\n\n`);
    }
    const line = summarise ? summarizeTodos(loaded.plan, display.listWith ?? LIST_WITH) : null;
    if (line)
      process.stderr.write(`${color ? pc.yellow('warning[PLAN_TODO]') : 'warning[PLAN_TODO]'}: ${line}\n\n`);
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
