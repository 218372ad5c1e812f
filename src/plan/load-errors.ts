/**
 * The errors of loading a plan. Apart from load.ts so that code which only shows them does
 * not load the schema (zod) and the YAML parser.
 */
import type { Diagnostic } from './diagnostic.js';

export class PlanError extends Error {
  readonly code = 'PLAN_INVALID';
  readonly diagnostics: Diagnostic[];
  readonly source: string;
  constructor(diagnostics: Diagnostic[], source: string) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super(`the plan has ${errors} error${errors === 1 ? '' : 's'}`);
    this.name = 'PlanError';
    this.diagnostics = diagnostics;
    this.source = source;
  }
}

export class PlanNotFoundError extends Error {
  readonly code = 'PLAN_NOT_FOUND';
  constructor(file: string, cause: unknown) {
    super(`cannot read the plan ${file}: ${(cause as Error).message}`, { cause });
    this.name = 'PlanNotFoundError';
  }
}
