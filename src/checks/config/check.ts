/**
 * The `config` check: staging's configuration against production's (the plan's
 * `staging.config`). Fails on any error finding; secret values are registered with the
 * Redactor before anything is returned, so they cannot reach any output.
 */
import type { ConfigSettings } from '../../plan/schema-staging.js';
import type { Finding } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { compareConfigs } from './compare.js';
import { ConfigSourceError, readConfigSource } from './sources.js';

/** Build the `config` check from the plan's `staging.config`. */
export function defineConfigCheck(settings: ConfigSettings): CheckDefinition {
  return {
    id: 'config',
    kind: 'config',
    blocking: settings.blocking,
    needs: [],
    timeoutMs: 150_000,
    run: (ctx) => runConfigCheck(settings, ctx),
  };
}

async function runConfigCheck(settings: ConfigSettings, ctx: CheckContext): Promise<CheckOutcome> {
  const options = { planDir: ctx.loaded.dir, signal: ctx.signal };
  let staging: Awaited<ReturnType<typeof readConfigSource>>;
  let production: Awaited<ReturnType<typeof readConfigSource>>;
  try {
    [staging, production] = await Promise.all([
      readConfigSource(settings.staging, options),
      readConfigSource(settings.production, options),
    ]);
  } catch (error) {
    if (!(error instanceof ConfigSourceError)) throw error;
    return { status: 'error', summary: error.message, error: { code: error.code, message: error.message } };
  }
  const comparison = compareConfigs(staging, production, {
    expectedDifferences: settings.expected_differences,
    secretKeys: settings.secret_keys ?? [],
  });
  for (const secret of comparison.secrets) ctx.redactor.add(secret);
  const findings = comparison.findings.map((f) => ({ ...f, message: ctx.redactor.redact(f.message) }));
  return summarize(findings, comparison.shared, staging.label, production.label);
}

function summarize(findings: Finding[], shared: number, staging: string, production: string): CheckOutcome {
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.length - errors.length;
  const warnNote = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  if (errors.length === 0) {
    return {
      status: 'pass',
      summary: `${staging} and ${production} agree (${shared} keys on both sides${warnNote})`,
      findings,
    };
  }
  const first = errors[0] as Finding;
  return {
    status: 'fail',
    summary: `${errors.length} configuration problem${errors.length === 1 ? '' : 's'}${warnNote}; first: ${first.message}`,
    findings,
  };
}
