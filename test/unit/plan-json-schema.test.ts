/**
 * The plan's JSON Schema (for editors): the committed file is what `preflight schema` writes,
 * and every plan the loader accepts validates against it, so an editor never underlines a valid plan.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { parsePlan } from '../../src/plan/load.js';
import { planJsonSchema } from '../../src/plan/spec.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PLANS = [
  'examples/shop/preflight.yaml',
  'test/fixtures/plans/valid.yaml',
  'test/fixtures/scoped/preflight.yaml',
];

describe('plan JSON Schema', () => {
  test('schema/plan.schema.json is the schema of this version, and stays small ($defs, not copies)', async () => {
    const text = await readFile(path.join(ROOT, 'schema/plan.schema.json'), 'utf8');
    assert.deepEqual(JSON.parse(text), planJsonSchema(), 'run `npm run build` to write it again');
    assert.ok(text.length < 300_000, `${text.length} bytes: a reused part is copied, not referenced`);
  });

  test('every plan the loader accepts validates against it; a wrong one does not', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(planJsonSchema());
    for (const file of PLANS) {
      const text = await readFile(path.join(ROOT, file), 'utf8');
      parsePlan(text, { file, displayName: file });
      const ok = validate(parse(text));
      assert.ok(ok, `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    const wrong = parse(await readFile(path.join(ROOT, PLANS[0] as string), 'utf8')) as Record<
      string,
      unknown
    >;
    wrong.critical_paths = [{ name: 'x', steps: [{ name: 's', request: { url: 5 } }] }];
    assert.equal(validate(wrong), false, 'a step whose url is a number is refused');
  });
});
