/**
 * Property-based tests (fast-check) of plan loading, validation and templating: on any
 * input, `parsePlan` either returns a plan or throws a PlanError whose every diagnostic
 * points inside the text; `renderTemplate` returns or throws a TemplateError. Nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { PlanError, parsePlan } from '../../src/plan/load.js';
import { renderTemplate, TemplateError, type TemplateScope } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { EXAMPLE } from '../support/cli.js';
import { anyValue, badPosition, mutate, mutation, yamlishText } from '../support/fuzz.js';

/** Generated cases per property: 8,000 here, plus 2,000 in fuzz-postman.test.ts. */
const RUNS = { text: 2500, mutated: 1500, spliced: 1000, template: 3000 };

const FILE = { file: '/plans/preflight.yaml', displayName: 'preflight.yaml' };
const EXAMPLE_PLAN = parsePlan(readFileSync(path.join(EXAMPLE, 'preflight.yaml'), 'utf8'), FILE);
/** The example's plan cut to its second critical path (4 steps): small enough to parse often, quickly. */
const VALID = (() => {
  const data = EXAMPLE_PLAN.source.doc.toJS() as { critical_paths: unknown[] };
  return { ...data, critical_paths: data.critical_paths.slice(1, 2) };
})();

/** Parse `text`; fails the property on anything but a plan or a well-placed PlanError. */
function parseOrPlanError(text: string): 'ok' | 'error' {
  try {
    parsePlan(text, FILE);
    return 'ok';
  } catch (error) {
    if (!(error instanceof PlanError))
      throw new Error(`threw ${String(error)} on:\n${text}`, { cause: error });
    assert.ok(error.diagnostics.length > 0, 'a PlanError has at least one diagnostic');
    for (const d of error.diagnostics) {
      const bad = badPosition(d, text);
      assert.equal(bad, undefined, `${d.code} ${d.message}: ${bad}\n${text}`);
      assert.match(d.code, /^[A-Z][A-Z0-9_]+$/, 'a stable code');
    }
    return 'error';
  }
}

describe('fuzzed plans', () => {
  test(`random YAML-ish text: a plan or a PlanError with positions (${RUNS.text} cases)`, () => {
    fc.assert(
      fc.property(yamlishText, (text) => {
        parseOrPlanError(text);
      }),
      { numRuns: RUNS.text, seed: 9 },
    );
  });

  test(`random text after a valid plan's first lines (${RUNS.spliced} cases)`, () => {
    const head = stringify(VALID).split('\n').slice(0, 30).join('\n');
    fc.assert(
      fc.property(yamlishText, fc.nat(head.length), (tail, cut) => {
        parseOrPlanError(`${head.slice(0, cut)}${tail}`);
      }),
      { numRuns: RUNS.spliced, seed: 10 },
    );
  });

  test(`a valid plan with random edits: a plan or a PlanError with positions (${RUNS.mutated} cases)`, () => {
    let errors = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (edits) => {
        const plan = edits.reduce((p, m) => mutate(p, m), VALID as unknown);
        if (parseOrPlanError(stringify(plan)) === 'error') errors++;
      }),
      { numRuns: RUNS.mutated, seed: 11 },
    );
    // The edits are not all harmless: most of them must be caught by validation.
    assert.ok(errors > RUNS.mutated / 4, `${errors} of ${RUNS.mutated} edited plans were rejected`);
  });
});

describe('fuzzed templates', () => {
  const scope = (): TemplateScope => ({
    env: { HOME: '/home/x', EMPTY: '' },
    secret: (name) => (name === 'TOKEN' ? 'secret-token-value' : undefined),
    run: { id: 'run-1', dir: '/tmp/run' },
    service: { url: 'http://127.0.0.1:1' },
    vars: new Map<string, unknown>([
      ['n', 1],
      ['obj', { a: [1, 2] }],
      ['s', '{{ n }}'],
    ]),
    redactor: new Redactor(),
  });
  const names = fc.constantFrom(
    'env.HOME',
    'env.NOPE',
    'secrets.TOKEN',
    'secrets.NOPE',
    'run.id',
    'run.x',
    'service.url',
    'n',
    'obj',
    's',
    'missing',
    'a.b.c',
    '',
    ' ',
    '{',
    'constructor',
    '__proto__',
    'toString',
  );
  const templated = fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 5 }),
        names.map((n) => `{{ ${n} }}`),
        fc.constantFrom('{{', '}}', '{', '}'),
      ),
      {
        maxLength: 6,
      },
    )
    .map((parts) => parts.join(''));
  const value = fc.oneof(
    templated,
    anyValue,
    fc.dictionary(templated, fc.oneof(templated, anyValue), { maxKeys: 4 }),
  );

  test(`renderTemplate returns or throws a TemplateError with a code (${RUNS.template} cases)`, () => {
    fc.assert(
      fc.property(value, (v) => {
        try {
          renderTemplate(v, scope());
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          assert.match(error.code, /^TEMPLATE_[A-Z_]+$/);
          assert.ok(error.message.length > 0);
        }
      }),
      { numRuns: RUNS.template, seed: 12 },
    );
  });
});
