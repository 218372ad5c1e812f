/**
 * Full gate: the example's whole `preflight run` (lint, unit, paths, ... as the plan says),
 * its wall time beside its slowest single check and beside its longest chain of checks that
 * the plan orders one after another (`needs`, `after`: the contract check fuzzes after the
 * paths and the database review, so that its writes do not reach what they measure). With
 * independent checks in parallel the wall should be close to the longest chain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChecks } from '../../src/checks/registry.js';
import { loadPlan } from '../../src/plan/load.js';
import { type BenchContext, CLI } from './context.js';
import { measureCommand } from './measure.js';
import { errorRows, type Row, target } from './table.js';

interface GateResult {
  verdict: string;
  checks: { id: string; status: string; duration_ms: number }[];
}

/** The full-gate row (one run: it takes seconds, and the ratio is within one run). */
export async function benchGate(ctx: BenchContext): Promise<Row[]> {
  const json = join(ctx.tmp, 'gate.json');
  const label = 'full gate (examples/shop), wall vs slowest check';
  try {
    // Exit 1 (NO-GO) is still a full run; only 2 and 3 mean it did not run.
    const m = await measureCommand(
      `${CLI} run --plan examples/shop/preflight.yaml --no-store --no-color --json ${json}`,
      { cwd: ctx.root, tmp: ctx.tmp, okExitCodes: [0, 1], timeoutMs: 600_000 },
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as GateResult;
    const slowest = [...result.checks].sort((a, b) => b.duration_ms - a.duration_ms)[0];
    if (!slowest) throw new Error('the result has no checks');
    const wall = m.wallMs / 1000;
    const ratio = wall / (slowest.duration_ms / 1000);
    const checks = result.checks.map((c) => `${c.id} ${c.status} ${(c.duration_ms / 1000).toFixed(2)} s`);
    ctx.log(`full gate: ${result.verdict}, wall ${wall.toFixed(2)} s; ${checks.join(', ')}`);
    const chain = await longestChain(join(ctx.root, 'examples/shop/preflight.yaml'), result.checks);
    ctx.log(`full gate: longest ordered chain ${chain.ids.join(' → ')}, ${(chain.ms / 1000).toFixed(2)} s`);
    const chainRatio = wall / (chain.ms / 1000);
    return [
      {
        label: `${label} (${slowest.id} ${(slowest.duration_ms / 1000).toFixed(2)} s, ${result.verdict})`,
        unit: 's',
        values: { preflight: wall },
        ratio,
      },
      {
        label: `full gate, wall vs its longest ordered chain (${chain.ids.join(' → ')} ${(chain.ms / 1000).toFixed(2)} s)`,
        unit: 's',
        values: { preflight: wall },
        ratio: chainRatio,
        target: target(chainRatio, '<=', 1.3, '≤ 1.3x chain'),
      },
    ];
  } catch (error) {
    return errorRows([label], error);
  }
}

/**
 * The longest chain of checks the plan runs one after another (`needs` and `after`), by the
 * measured durations: the least wall time any schedule of this plan could take.
 */
async function longestChain(
  planFile: string,
  measured: GateResult['checks'],
): Promise<{ ids: string[]; ms: number }> {
  const loaded = await loadPlan(planFile);
  const defined = await buildChecks(loaded.plan, { planDir: loaded.dir });
  const duration = new Map(measured.map((c) => [c.id, c.duration_ms]));
  const before = new Map(defined.map((c) => [c.id, [...c.needs, ...(c.after ?? [])]]));
  const memo = new Map<string, { ids: string[]; ms: number }>();
  const chainTo = (id: string): { ids: string[]; ms: number } => {
    const known = memo.get(id);
    if (known) return known;
    const longest = (before.get(id) ?? [])
      .filter((p) => duration.has(p))
      .map(chainTo)
      .reduce((a, b) => (b.ms > a.ms ? b : a), { ids: [] as string[], ms: 0 });
    const chain = { ids: [...longest.ids, id], ms: longest.ms + (duration.get(id) ?? 0) };
    memo.set(id, chain);
    return chain;
  };
  return [...duration.keys()].map(chainTo).reduce((a, b) => (b.ms > a.ms ? b : a), { ids: [], ms: 0 });
}
