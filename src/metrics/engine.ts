/**
 * Which engine sends the `metrics` load: the built-in probe (undefined here), or k6 in
 * `segments` processes (k6-engine.ts) when the plan says `metrics.engine: k6` or
 * `compare --engine k6` does.
 */
import path from 'node:path';
import { findK6, K6_INSTALL_HINT } from '../ecosystem/k6/binary.js';
import { toMs } from '../plan/duration.js';
import type { CriticalPath, Plan } from '../plan/schema.js';
import type { MetricsConfig } from '../plan/schema-metrics.js';
import type { TemplateScope } from '../plan/template.js';
import type { Redactor } from '../secrets/redactor.js';
import { MetricsError } from './errors.js';
import { type BlockEngine, createK6Engine } from './k6-engine.js';

/** What choosing the engine needs. */
export interface EngineChoice {
  plan: Plan;
  config: MetricsConfig;
  overrides: { engine?: MetricsConfig['engine']; segments?: number };
  paths: CriticalPath[];
  rate: number;
}

/**
 * What the engine needs of the run it measures for: the plan's file, the run's directory, the
 * template scope and the redactor (a check's context has all four).
 */
export interface EngineRun {
  loaded: { dir: string; file: string };
  runDir: string;
  scope: (serviceUrl: string) => TemplateScope;
  redactor: Redactor;
}

/** The k6 engine when asked for (throws METRICS_K6_MISSING without k6), else undefined. */
export async function engineFor(c: EngineChoice, ctx: EngineRun): Promise<BlockEngine | undefined> {
  if ((c.overrides.engine ?? c.config.engine) !== 'k6') return undefined;
  const k6 = await findK6(ctx.loaded.dir);
  if (!k6)
    throw new MetricsError(
      'METRICS_K6_MISSING',
      `metrics.engine is k6 but no k6 binary was found: ${K6_INSTALL_HINT}`,
    );
  return createK6Engine({
    k6,
    plan: c.plan,
    planFile: path.basename(ctx.loaded.file),
    paths: c.paths,
    dir: path.join(ctx.runDir, 'k6'),
    segments: c.overrides.segments ?? c.config.segments,
    model: c.config.model ?? 'open',
    rate: c.rate,
    vus: c.config.vus ?? 32,
    maxInFlight: c.config.max_in_flight,
    stepTimeoutMs: toMs(c.plan.paths?.step_timeout ?? '10s'),
    env: templateEnv(c.paths, c.plan, ctx),
  });
}

/**
 * The environment values the paths' templates read (`{{ env.X }}`, `{{ secrets.X }}`: the
 * k6 runtime reads both from `__ENV`), secrets registered with the run's redactor.
 */
function templateEnv(paths: CriticalPath[], plan: Plan, ctx: EngineRun): Record<string, string> {
  const text = JSON.stringify([paths, plan.variables ?? {}]);
  const scope = ctx.scope('');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/\{\{\s*(env|secrets)\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const [, kind, name] = m as unknown as [string, 'env' | 'secrets', string];
    const value = kind === 'env' ? scope.env[name] : scope.secret(name);
    if (value === undefined) continue;
    if (kind === 'secrets') ctx.redactor.add(value);
    out[name] = value;
  }
  return out;
}
