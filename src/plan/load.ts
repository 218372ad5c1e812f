/**
 * Loading a plan: YAML with positions -> schema validation -> semantic checks.
 * Every problem is collected and reported at once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { PlanError, PlanNotFoundError } from './load-errors.js';
import { issuesToDiagnostics } from './schema-errors.js';
import { checkSemantics } from './semantics.js';
import type { SourceRef } from './source-ref.js';
import { type ComposedPlan, type Plan, registryPlan } from './spec.js';
import { toPlanData } from './yaml-data.js';
import { type PathKey, YamlSource } from './yaml-source.js';

/** A plan that validated, with what is needed to point back into its file. */
export interface LoadedPlan {
  plan: Plan;
  file: string;
  dir: string;
  hash: string;
  source: YamlSource;
  /** Warnings found while loading (errors make loading fail). */
  warnings: Diagnostic[];
  /** Where a node of the plan is, e.g. `locate(['critical_paths', 0, 'steps', 1])`. */
  locate: (path: readonly PathKey[]) => SourceRef;
}

export { PlanError, PlanNotFoundError } from './load-errors.js';

/** Read, parse and validate a plan file. Throws PlanError with every diagnostic. */
export async function loadPlan(file: string, displayName = file): Promise<LoadedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanNotFoundError(displayName, error);
  }
  return parsePlan(text, { file: path.resolve(file), displayName });
}

export interface ParseOptions {
  file: string;
  /** The file name shown in diagnostics. */
  displayName: string;
  /** The plan's schema and kinds' semantics (default: those of the registry's kinds). */
  composed?: ComposedPlan | undefined;
}

/** Validate plan text. */
export function parsePlan(text: string, options: ParseOptions): LoadedPlan {
  const composed = options.composed ?? registryPlan;
  const source = new YamlSource(options.displayName, text);
  const syntax = source.syntaxDiagnostics();
  // Later syntax errors mostly follow from the first; showing hundreds of them hides it.
  if (syntax.length > 0)
    throw new PlanError(
      syntax.slice(0, 1).map((d) => withCascadeHint(d, syntax.length - 1)),
      text,
    );
  const converted = toPlanData(source);
  if (!converted.ok) throw new PlanError([converted.diagnostic], text);
  const data = converted.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PlanError(
      [
        {
          code: 'PLAN_WRONG_TYPE',
          severity: 'error',
          message: 'a plan is a mapping with at least "version" and "service"',
          file: options.displayName,
          line: 1,
          column: 1,
          length: 1,
        },
      ],
      text,
    );
  }
  const parsed = composed.spec.safeParse(data, { reportInput: true });
  if (!parsed.success)
    throw new PlanError(
      sortDiagnostics(issuesToDiagnostics(parsed.error.issues, source, data, composed.jsonSchema)),
      text,
    );
  const plan = parsed.data as Plan;
  const semantic = sortDiagnostics([...checkSemantics(plan, source), ...composed.semantics(plan, source)]);
  if (semantic.some((d) => d.severity === 'error')) throw new PlanError(semantic, text);
  return {
    plan,
    file: options.file,
    dir: path.dirname(options.file),
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
    source,
    warnings: semantic,
    locate: (at) => source.ref(at),
  };
}

function withCascadeHint(d: Diagnostic, more: number): Diagnostic {
  const hint = 'check the indentation and quote values that contain ": ", "{", "}" or "#"';
  return {
    ...d,
    hint: more > 0 ? `${hint} (${more} more syntax error${more === 1 ? '' : 's'} follow from here)` : hint,
  };
}

function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.line - b.line || a.column - b.column);
}
