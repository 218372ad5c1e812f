/**
 * Full gate: the example's whole `preflight run` (lint, unit, paths, ... as the plan says),
 * its wall time beside its slowest single check (from the --json result). With independent
 * checks in parallel the wall should be close to the slowest check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    return [
      {
        label: `${label} (${slowest.id} ${(slowest.duration_ms / 1000).toFixed(2)} s, ${result.verdict})`,
        unit: 's',
        values: { preflight: wall },
        ratio,
        target: target(ratio, '<=', 1.3, '≤ 1.3x slowest'),
      },
    ];
  } catch (error) {
    return errorRows([label], error);
  }
}
