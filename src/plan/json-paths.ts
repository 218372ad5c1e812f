/**
 * JSONPath syntax in the plan: every capture and every `json` key of an expectation (a step's
 * `expect`, its named assertions and their conditions, a capture's conditions, `retry.until`)
 * is parsed as a run would, so `$.id[` is a plan error with the character it goes wrong at.
 */
import { checkJsonPathSyntax } from '../json/json-path.js';
import type { Diagnostic } from './diagnostic.js';
import type { Plan, Step } from './schema.js';
import type { PathKey, YamlSource } from './yaml-source.js';

type Expectation = { json?: Record<string, unknown> | undefined };
type Conditions = Expectation | Expectation[] | undefined;

/** A JSONPath written in the plan, and where. */
interface Written {
  text: string;
  /** The map whose key is the JSONPath (`expect.json`), or null when it is a value (a capture). */
  keyAt: PathKey[] | null;
  valueAt: PathKey[];
  what: string;
}

/** A PLAN_JSONPATH error for every JSONPath of the plan that does not parse. */
export function checkJsonPaths(plan: Plan, source: YamlSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  (plan.critical_paths ?? []).forEach((path, p) => {
    const steps: [Step, PathKey[]][] = [
      ...path.steps.map((s, i): [Step, PathKey[]] => [s, ['critical_paths', p, 'steps', i]]),
      ...(path.teardown ?? []).map((s, i): [Step, PathKey[]] => [s, ['critical_paths', p, 'teardown', i]]),
    ];
    for (const [step, at] of steps) {
      for (const written of stepJsonPaths(step, at)) {
        const problem = checkJsonPathSyntax(written.text);
        const what = `${written.what} of step "${step.name}" of critical path "${path.name}"`;
        if (problem) out.push(diagnostic(source, { ...written, what, problem }));
      }
    }
  });
  return out;
}

/** Every JSONPath of a step: its expectations' `json` keys and its captures. */
function stepJsonPaths(step: Step, at: PathKey[]): Written[] {
  const out: Written[] = [];
  const expectation = (e: Expectation | undefined, eAt: PathKey[], what: string): void => {
    for (const key of Object.keys(e?.json ?? {}))
      out.push({ text: key, keyAt: [...eAt, 'json'], valueAt: [...eAt, 'json', key], what });
  };
  const conditions = (c: Conditions, cAt: PathKey[], what: string): void => {
    const list = Array.isArray(c) ? c : [c];
    list.forEach((e, i) => {
      expectation(e, Array.isArray(c) ? [...cAt, i] : cAt, what);
    });
  };
  expectation(step.expect, [...at, 'expect'], 'the expect.json key');
  expectation(step.retry?.until, [...at, 'retry', 'until'], 'the retry.until.json key');
  (step.assertions ?? []).forEach((a, i) => {
    const aAt = [...at, 'assertions', i];
    expectation(a, aAt, `the json key of assertion "${a.name}"`);
    conditions(a.when, [...aAt, 'when'], `the when condition of assertion "${a.name}"`);
    conditions(a.unless, [...aAt, 'unless'], `the unless condition of assertion "${a.name}"`);
  });
  for (const [name, capture] of Object.entries(step.capture ?? {})) {
    const cAt = [...at, 'capture', name];
    if (typeof capture === 'string')
      out.push({ text: capture, keyAt: null, valueAt: cAt, what: `the capture "${name}"` });
    else {
      if (capture.json !== undefined)
        out.push({
          text: capture.json,
          keyAt: null,
          valueAt: [...cAt, 'json'],
          what: `the capture "${name}"`,
        });
      conditions(capture.when, [...cAt, 'when'], `the when condition of capture "${name}"`);
      conditions(capture.unless, [...cAt, 'unless'], `the unless condition of capture "${name}"`);
    }
  }
  return out;
}

interface Found extends Written {
  problem: { offset: number; expected: string };
}

function diagnostic(source: YamlSource, f: Found): Diagnostic {
  const span = f.keyAt ? source.spanOfKey(f.keyAt, f.text) : source.spanOf(f.valueAt);
  return {
    code: 'PLAN_JSONPATH',
    severity: 'error',
    message: `invalid JSONPath ${JSON.stringify(f.text)} in ${f.what}`,
    file: source.file,
    ...pointInto(source, span, f.text, f.problem.offset),
    hint: `expected ${f.problem.expected}`,
  };
}

/**
 * The position of character `offset` of `text` inside the scalar at `span`: past an opening
 * quote, when the scalar is written on one line as the plan's text (else the scalar itself).
 */
function pointInto(
  source: YamlSource,
  span: { line: number; column: number; length: number },
  text: string,
  offset: number,
): { line: number; column: number; length: number } {
  const line = source.text.split(/\r?\n/)[span.line - 1] ?? '';
  const at = span.column - 1;
  const quoted = line[at] === '"' || line[at] === "'";
  const start = at + (quoted ? 1 : 0);
  if (line.slice(start, start + text.length) !== text) return span;
  return { line: span.line, column: start + offset + 1, length: 1 };
}
