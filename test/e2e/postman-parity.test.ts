/**
 * The parity harness: Newman and preflight run the same collection against the same real
 * service (the example shop under uvicorn, a fresh database for each tool) and must reach
 * the same outcome on every assertion. The fixtures are collections written here for the
 * shop, reproducing patterns of public collections: the legacy syntax with values passed
 * through local variables (and a script that throws halfway), the pm API with variables
 * chained across folders, and the newer v3 format (which Newman cannot read, so Newman runs
 * its v2.1 twin). Each imports with at least 95 % of its assertions declarative and every
 * one kept. With the shop's database gone, both say NO-GO.
 */
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { StepResult } from '../../src/checks/paths/result.js';
import type { RunResult } from '../../src/run/result.js';
import { type CliResult, copyExample, ROOT, runCli, tempDir, withShop } from '../support/cli.js';
import { type NewmanExecution, runNewman } from '../support/newman.js';
import { createTestDatabase } from '../support/postgres.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'postman');

/** `preflight run` on a collection with its environment against `url` (no store), the result in out.json. */
function runCollection(
  dir: string,
  collection: string,
  environment: string,
  url: string,
): Promise<CliResult> {
  return runCli(
    [
      'run',
      '--plan',
      collection,
      '--environment',
      environment,
      '--base-url',
      url,
      '--json',
      'out.json',
      '--no-store',
    ],
    { cwd: dir },
  );
}

interface Fixture {
  name: string;
  /** What preflight is given: a v2.1 file or a v3 directory, and its environment. */
  collection: string;
  environment: string;
  /** What Newman is given (the v2.1 twin of a v3 collection). */
  newman: string;
  newmanEnvironment: string;
  /** `step: assertion` that fail on the shop, in both tools (pinned, so the fixture cannot drift). */
  failing: string[];
}

const FIXTURES_RUN: Fixture[] = [
  {
    name: 'legacy syntax, values through local variables',
    collection: 'shop-legacy.postman_collection.json',
    environment: 'shop-local.postman_environment.json',
    newman: 'shop-legacy.postman_collection.json',
    newmanEnvironment: 'shop-local.postman_environment.json',
    failing: [
      'Catalogue › Books: The cheapest book comes first',
      'Catalogue › Book detail: Same book',
      'Cart and order › The order: Same order',
    ],
  },
  {
    name: 'pm API, variables chained across folders',
    collection: 'shop-pm.postman_collection.json',
    environment: 'shop-local.postman_environment.json',
    newman: 'shop-pm.postman_collection.json',
    newmanEnvironment: 'shop-local.postman_environment.json',
    failing: ['Shopping › Pay: the total is in euros'],
  },
  {
    name: 'collection format v3 (a directory of YAML files)',
    collection: 'shop-v3',
    environment: 'v3-environments/Local.environment.yaml',
    newman: 'shop-v3.twin.postman_collection.json',
    newmanEnvironment: 'v3-environments/twin.postman_environment.json',
    failing: [],
  },
];

/** The example shop (a fresh copy, so a fresh SQLite file unless `databaseUrl`) while `use` runs. */
async function withShopOn(
  databaseUrl: string | undefined,
  use: (url: string) => Promise<void>,
): Promise<void> {
  await withShop(await copyExample(), use, databaseUrl ? { databaseUrl } : {});
}

/** A copy of the fixtures (a run of a collection writes its plan next to it). */
async function fixturesCopy(): Promise<string> {
  const dir = await tempDir('preflight-parity-fixtures-');
  await cp(FIXTURES, dir, { recursive: true });
  return dir;
}

/** Every difference between Newman's and preflight's outcomes, and the failures they agree on. */
function compare(
  newman: NewmanExecution[],
  steps: StepResult[],
): { differences: string[]; failing: string[] } {
  const differences: string[] = [];
  const failing: string[] = [];
  assert.equal(steps.length, newman.length, 'the same requests, in the same order');
  newman.forEach((execution, i) => {
    const step = steps[i] as StepResult;
    assert.ok(step.name.endsWith(execution.name), `request ${i}: ${step.name} is ${execution.name}`);
    const ours = new Map((step.assertions ?? []).map((a) => [a.name, a.status]));
    for (const a of execution.assertions) {
      const status = ours.get(a.name);
      const theirs = a.passed ? 'pass' : 'fail';
      if (status !== theirs)
        differences.push(`${step.name}: ${a.name}: Newman ${theirs}, preflight ${status ?? 'not run'}`);
      if (!a.passed) failing.push(`${step.name}: ${a.name}`);
    }
    for (const [name, status] of ours) {
      // A test behind a condition that did not hold is not run by either; one after a throw, by Newman only.
      if (status === 'skip' || execution.assertions.some((a) => a.name === name)) continue;
      if (!execution.scriptError)
        differences.push(`${step.name}: ${name}: preflight ${status}, Newman did not run it`);
    }
    if (execution.scriptError && !step.failures?.some((f) => f.assertion === 'script'))
      differences.push(`${step.name}: Newman's test script threw, preflight's did not`);
  });
  return { differences, failing };
}

/** `N assertions (X declarative, Y kept as script)` from the import's summary line. */
function counts(text: string): { total: number; declarative: number; kept: number } {
  const m = /(\d+) assertions \((\d+) declarative, (\d+) kept as script\)/.exec(text);
  assert.ok(m, text);
  return { total: Number(m[1]), declarative: Number(m[2]), kept: Number(m[3]) };
}

describe('Newman and preflight on the same collections, against the example shop', () => {
  for (const fixture of FIXTURES_RUN) {
    test(fixture.name, async () => {
      const dir = await fixturesCopy();
      const imported = await runCli(
        ['import', 'postman', fixture.collection, '--env', fixture.environment, '--out', 'plan.yaml'],
        { cwd: dir },
      );
      assert.equal(imported.code, 0, imported.stderr);
      const c = counts(imported.stdout);
      assert.ok(c.declarative / c.total >= 0.95, `declarative: ${c.declarative} of ${c.total}`);
      assert.equal(c.declarative + c.kept, c.total);
      const validate = await runCli(['validate', '--plan', 'plan.yaml'], { cwd: dir });
      assert.equal(validate.code, 0, validate.stderr);
      assert.match(
        validate.stdout,
        new RegExp(`${c.total} named assertions \\(${c.declarative} declarative, ${c.kept} in scripts\\)`),
        'every assertion is kept, declarative or in a script',
      );

      let newman: NewmanExecution[] = [];
      await withShopOn(undefined, async (url) => {
        newman = (
          await runNewman(path.join(dir, fixture.newman), {
            baseUrl: url,
            environment: path.join(dir, fixture.newmanEnvironment),
          })
        ).executions;
      });
      let result: RunResult | undefined;
      await withShopOn(undefined, async (url) => {
        const run = await runCollection(dir, fixture.collection, fixture.environment, url);
        assert.equal(run.code, fixture.failing.length > 0 ? 1 : 0, `${run.stdout}\n${run.stderr}`);
        result = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
      });
      const { differences, failing } = compare(newman, result?.paths[0]?.steps ?? []);
      assert.deepEqual(differences, []);
      assert.deepEqual(failing, fixture.failing);
      const environment = JSON.parse(await readFile(path.join(dir, fixture.newmanEnvironment), 'utf8')) as {
        values: { key: string; value: string }[];
      };
      const password = environment.values.find((v) => v.key === 'password')?.value ?? '';
      const written = [
        await readFile(path.join(dir, 'out.json'), 'utf8'),
        await readFile(path.join(dir, 'plan.yaml'), 'utf8'),
      ];
      assert.ok(
        password.length > 8 && written.every((text) => !text.includes(password)),
        'the secret reaches neither the plan nor the result',
      );
    });
  }

  test('with the database gone, both say NO-GO, and every assertion Newman fails preflight fails too', async () => {
    const dir = await fixturesCopy();
    const db = await createTestDatabase();
    try {
      await withShopOn(db.url, async (url) => {
        await db.drop();
        const newman = await runNewman(path.join(dir, 'shop-pm.postman_collection.json'), {
          baseUrl: url,
          environment: path.join(dir, 'shop-local.postman_environment.json'),
        });
        assert.ok(newman.failures > 0, 'Newman fails');
        const run = await runCollection(
          dir,
          'shop-pm.postman_collection.json',
          'shop-local.postman_environment.json',
          url,
        );
        assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /NO-GO/);
        const result = JSON.parse(await readFile(path.join(dir, 'out.json'), 'utf8')) as RunResult;
        const steps = result.paths[0]?.steps ?? [];
        newman.executions.forEach((execution, i) => {
          const step = steps[i] as StepResult;
          for (const a of execution.assertions.filter((x) => !x.passed)) {
            const ours = step.assertions?.find((o) => o.name === a.name);
            assert.ok(
              step.status !== 'pass' && ours?.status !== 'pass',
              `${step.name}: ${a.name} fails in preflight too`,
            );
          }
        });
      });
    } finally {
      await db.drop();
    }
  });
});
