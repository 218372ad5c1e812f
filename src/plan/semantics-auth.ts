/**
 * The `auth:` references of a plan: `auth.default`, each critical path's and each step's `auth`
 * name a user of `auth.users` (or `none`).
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from './diagnostic.js';
import type { Plan } from './schema.js';
import type { PathKey, YamlSource } from './yaml-source.js';

/** An error for every `auth:` that names no user of `auth.users`. */
export function checkAuthReferences(plan: Plan, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (name: string | undefined, at: PathKey[], what: string): void => {
    out.push(...checkAuthReference(plan, source, name, at, what));
  };
  check(plan.auth?.default, ['auth', 'default'], 'auth.default');
  (plan.critical_paths ?? []).forEach((path, p) => {
    check(path.auth, ['critical_paths', p, 'auth'], `critical path "${path.name}"`);
    for (const list of ['steps', 'teardown'] as const)
      (path[list] ?? []).forEach((step, s) => {
        check(step.auth, ['critical_paths', p, list, s, 'auth'], `step "${step.name}" of "${path.name}"`);
      });
  });
  return out;
}

/** The error, if any, of one `auth:` reference at `at` (a check kind's key may name a user too). */
export function checkAuthReference(
  plan: Plan,
  source: YamlSource,
  name: string | undefined,
  at: PathKey[],
  what: string,
): Diagnostic[] {
  const users = Object.keys(plan.auth?.users ?? {});
  if (name === undefined || name === 'none' || users.includes(name)) return [];
  const guess = users.length ? closest(name, users) : undefined;
  const hint =
    users.length === 0
      ? 'define it under auth.users (oauth2_password, client_credentials or login)'
      : guess && distance(name, guess) <= 2
        ? `did you mean "${guess}"?`
        : `known users: ${users.join(', ')}, or none`;
  return [
    {
      code: 'PLAN_UNKNOWN_AUTH',
      severity: 'error',
      message: `${what} uses auth "${name}", which is not a user of auth.users`,
      file: source.file,
      ...source.spanOf(at),
      hint,
    },
  ];
}
