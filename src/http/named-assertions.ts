/**
 * A step's named assertions (its `assertions` list, as Postman tests are): each one applies
 * when its `when` conditions hold and none of its `unless` conditions does, and then passes
 * or fails on its own, with its name on each of its failures.
 */
import type { AssertionFailure, AssertionOutcome } from '../checks/paths/result.js';
import type { NamedAssertion, StepExpect } from '../plan/schema.js';
import { evaluateExpect } from './assert.js';
import type { ReceivedResponse } from './response.js';

/** The outcomes of the named assertions, and the failures of those that failed. */
export interface NamedAssertionsResult {
  outcomes: AssertionOutcome[];
  failures: AssertionFailure[];
}

/** Judge every named assertion (rendered) against a response and the path run's variables. */
export function evaluateNamedAssertions(
  assertions: NamedAssertion[],
  response: ReceivedResponse,
  variables: ReadonlyMap<string, unknown>,
): NamedAssertionsResult {
  const out: NamedAssertionsResult = { outcomes: [], failures: [] };
  for (const assertion of assertions) {
    const { name } = assertion;
    if (!conditionsAllow(assertion, response, variables)) {
      out.outcomes.push({ name, status: 'skip', from: 'plan', message: 'its condition did not hold' });
      continue;
    }
    const failures = assertion.fail
      ? [{ assertion: 'fail', expected: undefined, actual: undefined, message: assertion.fail }]
      : evaluateExpect(expectOf(assertion), response, { variables, implicitStatus: false });
    if (failures.length === 0) {
      out.outcomes.push({ name, status: 'pass', from: 'plan' });
      continue;
    }
    out.outcomes.push({
      name,
      status: 'fail',
      from: 'plan',
      message: (failures[0] as AssertionFailure).message,
    });
    for (const failure of failures)
      out.failures.push({ ...failure, name, message: `${name}: ${failure.message}` });
  }
  return out;
}

/** Whether `when` (all of them) holds and `unless` (any of them) does not. */
export function conditionsAllow(
  spec: { when?: StepExpect | StepExpect[] | undefined; unless?: StepExpect | StepExpect[] | undefined },
  response: ReceivedResponse,
  variables: ReadonlyMap<string, unknown>,
): boolean {
  const holds = (condition: StepExpect): boolean =>
    evaluateExpect(condition, response, { variables, implicitStatus: false }).length === 0;
  const list = (c: StepExpect | StepExpect[] | undefined): StepExpect[] =>
    c === undefined ? [] : Array.isArray(c) ? c : [c];
  return list(spec.when).every(holds) && !list(spec.unless).some(holds);
}

/** The expectation part of a named assertion (its name, conditions and `fail` removed). */
function expectOf(assertion: NamedAssertion): StepExpect {
  const { name: _name, when: _when, unless: _unless, fail: _fail, ...expect } = assertion;
  return expect;
}
