/**
 * Checks that the schema cannot express: unique names, templates that refer to
 * names defined earlier, captures with one source, check dependencies that exist.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from './diagnostic.js';
import { checkJsonPaths } from './json-paths.js';
import type { Plan, Step } from './schema.js';
import { scriptSetNames } from './script-names.js';
import { checkAuthReferences } from './semantics-auth.js';
import { checkCaptureSources } from './semantics-captures.js';
import { listReferences, templateProblems } from './template.js';
import { findTodoPlaceholders } from './todo.js';
import type { PathKey, YamlSource } from './yaml-source.js';

const BUILTIN_HEADS = new Set(['env', 'secrets', 'run', 'service']);

/** Every semantic problem of a schema-valid plan. */
export function checkSemantics(plan: Plan, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (path: PathKey[], code: string, message: string, hint?: string): void => {
    out.push({
      code,
      severity: 'error',
      message,
      file: source.file,
      ...source.spanOf(path),
      ...(hint ? { hint } : {}),
    });
  };
  const warn = (path: PathKey[], code: string, message: string): void => {
    out.push({ code, severity: 'warning', message, file: source.file, ...source.spanOf(path) });
  };

  if (!plan.service.start && !plan.service.url && (plan.critical_paths?.length ?? 0) > 0) {
    warn(
      ['service'],
      'PLAN_NO_SERVICE',
      'service has neither "start" nor "url": critical paths need --base-url',
    );
  }
  const pathNames = new Map<string, number>();
  (plan.critical_paths ?? []).forEach((path, p) => {
    if (pathNames.has(path.name))
      error(
        ['critical_paths', p, 'name'],
        'PLAN_DUPLICATE_NAME',
        `critical path "${path.name}" is defined twice`,
        `first defined as critical path #${(pathNames.get(path.name) ?? 0) + 1}`,
      );
    pathNames.set(path.name, p);
    const known = new Set<string>([
      ...Object.keys(plan.variables ?? {}),
      ...Object.keys(path.variables ?? {}),
    ]);
    const stepNames = new Set<string>();
    const steps = [
      ...path.steps.map((step, s) => ({ step, at: ['critical_paths', p, 'steps', s] as PathKey[] })),
      ...(path.teardown ?? []).map((step, s) => ({
        step,
        at: ['critical_paths', p, 'teardown', s] as PathKey[],
      })),
    ];
    steps.forEach(({ step, at }) => {
      if (stepNames.has(step.name))
        error(
          [...at, 'name'],
          'PLAN_DUPLICATE_NAME',
          `step "${step.name}" appears twice in critical path "${path.name}"`,
        );
      stepNames.add(step.name);
      for (const name of namesSetBefore(step)) known.add(name);
      const where = `step "${step.name}" of critical path "${path.name}"`;
      const checkReferences = (value: unknown, valueAt: PathKey[], before: string, names: Set<string>) => {
        for (const ref of listReferences(value)) {
          const head = ref.split('.')[0] as string;
          if (ref.includes('.') ? BUILTIN_HEADS.has(head) : names.has(ref)) continue;
          const guess = names.size ? closest(ref, [...names]) : undefined;
          const hint =
            guess && distance(ref, guess) <= 2
              ? `did you mean "${guess}"?`
              : 'define it in variables, or capture it in an earlier step';
          error(
            [...valueAt, ...(findKey(value, ref) ?? [])],
            'PLAN_UNKNOWN_VARIABLE',
            `{{ ${ref} }} is not defined before ${before}`,
            hint,
          );
        }
      };
      checkReferences(step.request, [...at, 'request'], where, known);
      // A capture's `value` is rendered after the response: it sees the captures before it.
      const captured = new Set(known);
      for (const [name, capture] of Object.entries(step.capture ?? {})) {
        const captureAt = [...at, 'capture', name];
        out.push(...checkCaptureSources(capture, captureAt, `capture "${name}" of ${where}`, source));
        if (typeof capture === 'object' && typeof capture.value === 'string')
          checkReferences(capture.value, [...captureAt, 'value'], `capture "${name}" of ${where}`, captured);
        captured.add(name);
      }
      const asserts =
        Object.keys(step.expect ?? {}).length > 0 ||
        Object.keys(step.capture ?? {}).length > 0 ||
        (step.assertions?.length ?? 0) > 0 ||
        step.script !== undefined;
      if (!asserts)
        warn(
          at,
          'PLAN_NO_ASSERTION',
          `step "${step.name}" of critical path "${path.name}" asserts nothing: only the implicit status (2xx or 3xx) is checked; add an expect block`,
        );
      for (const name of namesSetAfter(step)) known.add(name);
    });
  });
  out.push(...checkAuthReferences(plan, source));
  out.push(...findTodoPlaceholders(plan, source));
  out.push(...checkJsonPaths(plan, source));
  walkPlanStrings(plan, [], (text, at) => {
    for (const problem of templateProblems(text)) error(at, problem.code, problem.message, problem.hint);
  });
  return out;
}

/** Variables a step sets before its request: `set`, and its pre-request script's `set(...)` calls. */
function namesSetBefore(step: Step): string[] {
  const pre = typeof step.script === 'object' ? step.script.prerequest : undefined;
  return [...Object.keys(step.set ?? {}), ...(pre ? scriptSetNames(pre) : [])];
}

/** Variables a step sets from its response: captures, and its test script's `set(...)` calls. */
function namesSetAfter(step: Step): string[] {
  const test = typeof step.script === 'string' ? step.script : step.script?.test;
  return [...Object.keys(step.capture ?? {}), ...(test ? scriptSetNames(test) : [])];
}

/** Call `visit` with every string of the plan and where it is. */
function walkPlanStrings(value: unknown, at: PathKey[], visit: (text: string, at: PathKey[]) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) walkPlanStrings(item, [...at, i], visit);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walkPlanStrings(v, [...at, k], visit);
}

/** The key path (inside a request) of the first string that mentions `ref`. */
function findKey(value: unknown, ref: string): PathKey[] | undefined {
  if (typeof value === 'string') return value.includes(ref) ? [] : undefined;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const sub = findKey(v, ref);
      if (sub) return [Array.isArray(value) ? Number(k) : k, ...sub];
    }
  }
  return undefined;
}
