/**
 * The plan cache (src/plan/plan-cache.ts): a validated plan is kept in `.preflight/cache/` next
 * to it, and a load of the same text gives what a fresh parse gives, without parsing.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadPlan, PlanError } from '../../src/plan/load.js';
import { loadPlanCached } from '../../src/plan/plan-cache.js';

const PLAN = `version: 1
service: { name: shop, url: http://127.0.0.1:1 }
variables: { greeting: TODO say hello }
critical_paths:
  - name: browse
    owner: alice
    expect: a visitor lists products
    rollback: none
    steps:
      - name: list
        request: { url: /products }
        expect: { status: 200, json: { "$.items.length": { gte: 1 } } }
        capture: { first: "$.items[0].id" }
      - name: detail
        request: { url: "/products/{{ first }}" }
`;

let dir: string;
let file: string;
const cacheDir = (): string => path.join(dir, '.preflight', 'cache');
const cacheFiles = (): string[] => (existsSync(cacheDir()) ? readdirSync(cacheDir()) : []);

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-plan-cache-'));
  file = path.join(dir, 'preflight.yaml');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('plan cache', () => {
  test('a cached load gives what a fresh parse gives: plan, warnings, hash and positions', async () => {
    await writeFile(file, PLAN);
    const fresh = await loadPlan(file, 'preflight.yaml');
    const first = await loadPlanCached(file, 'preflight.yaml');
    assert.equal(cacheFiles().length, 1, 'the first load writes the entry');
    const second = await loadPlanCached(file, 'preflight.yaml');
    for (const loaded of [first, second]) {
      assert.deepEqual(loaded.plan, fresh.plan);
      assert.deepEqual(loaded.warnings, fresh.warnings);
      assert.equal(loaded.hash, fresh.hash);
      assert.equal(loaded.file, fresh.file);
      assert.equal(loaded.source.text, PLAN);
      for (const at of [['critical_paths', 0], ['critical_paths', 0, 'steps', 1], ['service']])
        assert.deepEqual(loaded.locate(at), fresh.locate(at), `locate ${at.join('.')}`);
    }
    assert.equal(second.warnings[0]?.code, 'PLAN_TODO', 'warnings survive the cache');
  });

  test('the .preflight/ the cache makes ignores itself (git, ruff)', async () => {
    await rm(path.join(dir, '.preflight'), { recursive: true, force: true });
    await writeFile(file, PLAN);
    await loadPlanCached(file, 'preflight.yaml');
    assert.equal(cacheFiles().length, 1);
    assert.match(await readFile(path.join(dir, '.preflight', '.gitignore'), 'utf8'), /^\*$/m);
  });

  test('a hit is read from the entry, not parsed', async () => {
    await writeFile(file, PLAN);
    await loadPlanCached(file, 'preflight.yaml');
    const entryFile = path.join(cacheDir(), cacheFiles()[0] as string);
    const entry = JSON.parse(await readFile(entryFile, 'utf8'));
    entry.plan.service.name = 'from-the-cache';
    await writeFile(entryFile, JSON.stringify(entry));
    assert.equal((await loadPlanCached(file, 'preflight.yaml')).plan.service.name, 'from-the-cache');
  });

  test('a changed plan, or another display name, misses the cache', async () => {
    await writeFile(file, PLAN);
    await loadPlanCached(file, 'preflight.yaml');
    await writeFile(file, PLAN.replace('name: shop', 'name: shop-2'));
    assert.equal((await loadPlanCached(file, 'preflight.yaml')).plan.service.name, 'shop-2');
    const other = await loadPlanCached(file, 'other-name.yaml');
    assert.equal(other.warnings[0]?.file, 'other-name.yaml');
    assert.equal(other.locate(['critical_paths', 0]).file, 'other-name.yaml');
  });

  test('an invalid plan throws every diagnostic and is never cached', async () => {
    await rm(cacheDir(), { recursive: true, force: true });
    await writeFile(file, PLAN.replace('owner: alice', 'ownr: alice'));
    for (let i = 0; i < 2; i++) await assert.rejects(loadPlanCached(file, 'preflight.yaml'), PlanError);
    assert.deepEqual(cacheFiles(), []);
  });

  test('PREFLIGHT_PLAN_CACHE=off parses every time and writes nothing', async () => {
    await rm(cacheDir(), { recursive: true, force: true });
    await writeFile(file, PLAN);
    process.env.PREFLIGHT_PLAN_CACHE = 'off';
    try {
      assert.equal((await loadPlanCached(file, 'preflight.yaml')).plan.service.name, 'shop');
    } finally {
      delete process.env.PREFLIGHT_PLAN_CACHE;
    }
    assert.deepEqual(cacheFiles(), []);
  });
});
