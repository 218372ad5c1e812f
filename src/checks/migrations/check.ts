/**
 * The `migrations` check (`database.migrations`): the Alembic revisions new since the
 * baseline, their offline SQL linted (lint.ts), a downgrade rehearsal on a scratch database
 * (rehearse.ts), and the plan's waivers applied. Fails on any unwaived error finding.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../../plan/schema.js';
import { type MigrationsSettings, migrationsSettings } from '../../plan/schema-migrations.js';
import { renderString, TemplateError } from '../../plan/template.js';
import { INCOMPLETE_COVERAGE } from '../coverage.js';
import type { CoverageItem } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import {
  alembicCommand,
  alembicRunner,
  hasOfflineMode,
  OFFLINE_MODE_HINT,
  offlineUrl,
  runAlembic,
  splitOfflineSql,
} from './alembic.js';
import { findUsages, type MigrationBaseline, MigrationsError, readBaseline } from './baseline.js';
import { lintRevisions } from './lint.js';
import { rehearseDowngrade } from './rehearse.js';
import type { MigrationFinding, MigrationRehearsal, MigrationsResult } from './result.js';
import { headsOf, type RevisionInfo, readRevisions, revisionsAfter, versionsDir } from './revisions.js';
import { applyWaivers, summarize } from './summary.js';

/** Build the `migrations` check from the plan's `database.migrations`. */
export function defineMigrationsCheck(plan: Plan): CheckDefinition {
  const settings = migrationsSettings(plan.database?.migrations ?? 'alembic');
  return {
    id: 'migrations',
    kind: 'migrations',
    blocking: settings.blocking,
    needs: [],
    timeoutMs: 300_000,
    run: async (ctx) => {
      try {
        return await runMigrationsCheck(plan, settings, ctx);
      } catch (error) {
        if (!(error instanceof MigrationsError)) throw error;
        const message = ctx.redactor.redact(error.message);
        return { status: 'error', summary: message, error: { code: error.code, message } };
      }
    },
  };
}

async function runMigrationsCheck(
  plan: Plan,
  settings: MigrationsSettings,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const planDir = ctx.loaded.dir;
  const runner = alembicRunner(settings, planDir, ctx.signal);
  if (!existsSync(runner.ini)) {
    throw new MigrationsError(
      'MIGRATIONS_NO_CONFIG',
      `${path.relative(planDir, runner.ini) || runner.ini} does not exist; set database.migrations.config to the project's alembic.ini`,
    );
  }
  const versions = await versionsDir(runner.ini);
  const all = await readRevisions(versions);
  const baseline = await readBaseline(
    planDir,
    settings.baseline ?? plan.metrics?.baseline ?? 'last-tag',
    versions,
  );
  const baseHeads = baseline.kind === 'git' ? baseline.heads : [];
  const fresh = revisionsAfter(all, baseHeads);
  const result: MigrationsResult = {
    tool: 'alembic',
    dialect: settings.dialect,
    baseline: baselineResult(baseline),
    head: headsOf(all),
    revisions: [],
    waivers: settings.waivers.map((w) => ({ ...w })),
  };
  const linted = new Set<string>();
  if (fresh.length > 0) {
    const envPy = path.join(path.dirname(versions), 'env.py');
    const sql = await offlineSql(runner, { baseHeads, dialect: settings.dialect, envPy }, ctx);
    for (const r of fresh) if (sql.has(r.revision)) linted.add(r.revision);
    const lint = await lintRevisions(
      fresh.map((r) => ({ revision: r.revision, sql: sql.get(r.revision) ?? '' })),
      {
        dialect: settings.dialect,
        requireTimeouts: settings.require_timeouts,
        findUsages: baseline.kind === 'git' ? (name) => findUsages(baseline, planDir, versions, name) : null,
      },
    );
    result.revisions = fresh.map((r) => ({
      revision: r.revision,
      down_revision: r.down.join(', ') || null,
      message: r.message,
      file: path.relative(planDir, path.join(versions, r.file)),
      sql: ctx.redactor.redact(sql.get(r.revision) ?? ''),
      has_downgrade: r.has_downgrade,
      findings: [
        ...(lint.get(r.revision) ?? []).map((f) => ({ ...f, revision: r.revision })),
        ...noDowngrade(r),
      ],
    }));
    if (settings.downgrade) {
      const rehearsed = await rehearse(plan, runner, baseHeads, versions, ctx);
      result.rehearsal = rehearsed.rehearsal;
      for (const f of rehearsed.findings)
        result.revisions.find((r) => r.revision === f.revision)?.findings.push(f);
    }
  }
  const unused = applyWaivers(result);
  return judgeCoverage(summarize(result, unused, ctx.redactor), result, linted, settings.downgrade);
}

/**
 * What the check covered against what it was asked: every new revision's offline SQL linted
 * (a revision missing from Alembic's output was not reviewed at all) and, with `downgrade`,
 * the rehearsal's steps run. Less than asked is not a pass (INCOMPLETE_COVERAGE, NO-GO).
 */
export function judgeCoverage(
  outcome: CheckOutcome,
  result: MigrationsResult,
  linted: Set<string>,
  downgrade: boolean,
): CheckOutcome {
  const missing = result.revisions.filter((r) => !linted.has(r.revision)).map((r) => r.revision);
  const coverage: CoverageItem[] = [
    {
      what: 'new revisions linted',
      covered: result.revisions.length - missing.length,
      asked: result.revisions.length,
      ...(missing.length ? { detail: `no offline SQL for ${missing.join(', ')}` } : {}),
    },
  ];
  const rehearsal = result.rehearsal;
  if (downgrade && result.revisions.length > 0 && rehearsal) {
    const ran = rehearsal.steps.filter((s) => s.status === 'pass').length;
    coverage.push({ what: 'rehearsal steps passed', covered: ran, asked: rehearsal.steps.length });
  }
  const withCoverage = { ...outcome, coverage };
  if (missing.length === 0 || outcome.status === 'fail') return withCoverage;
  const message = `${missing.length} of ${result.revisions.length} new revision${result.revisions.length === 1 ? '' : 's'} not linted: \`alembic upgrade --sql\` printed no SQL for ${missing.join(', ')}, so ${missing.length === 1 ? 'it was' : 'they were'} not reviewed`;
  return {
    ...withCoverage,
    status: 'error',
    summary: message,
    error: { code: INCOMPLETE_COVERAGE, message },
  };
}

function baselineResult(baseline: MigrationBaseline): MigrationsResult['baseline'] {
  if (baseline.kind === 'none')
    return { ref: null, revision: null, note: `${baseline.reason}: every revision is new` };
  const revision = baseline.heads.join(', ') || null;
  return {
    ref: baseline.ref,
    commit: baseline.commit,
    revision,
    ...(revision ? {} : { note: `${baseline.ref} has no Alembic revisions: every revision is new` }),
  };
}

function noDowngrade(r: RevisionInfo): MigrationFinding[] {
  if (r.has_downgrade) return [];
  return [
    {
      rule: 'no-downgrade',
      revision: r.revision,
      severity: 'error',
      message: `revision ${r.revision} has no downgrade (downgrade() only passes): it cannot be rolled back with alembic downgrade`,
    },
  ];
}

/** `alembic upgrade BASE:head --sql` in the lint dialect, split per revision. */
async function offlineSql(
  runner: ReturnType<typeof alembicRunner>,
  o: { baseHeads: string[]; dialect: string; envPy: string },
  ctx: CheckContext,
): Promise<Map<string, string>> {
  const args = ['upgrade', o.baseHeads.length > 0 ? `${o.baseHeads[0]}:heads` : 'heads', '--sql'];
  const stdoutFile = path.join(ctx.runDir, 'migrations-offline.sql');
  const outcome = await runAlembic(runner, args, offlineUrl(o.dialect), stdoutFile);
  if (outcome.exit_code !== 0) {
    const tail = ctx.redactor.redact(outcome.output).trim().split('\n').slice(-8).join('\n');
    // The likely cause first: an env.py with no offline mode connects to the offline URL's
    // host (offline.invalid), and the output then ends with a DNS error that says nothing of it.
    const envPy = await readFile(o.envPy, 'utf8').catch(() => undefined);
    const cause =
      envPy !== undefined && !hasOfflineMode(envPy)
        ? `${path.relative(ctx.loaded.dir, o.envPy)} has no offline mode (context.is_offline_mode()); ${OFFLINE_MODE_HINT}. `
        : '';
    throw new MigrationsError(
      'MIGRATIONS_OFFLINE_FAILED',
      `${cause}\`${alembicCommand(args)}\` (offline SQL, ${o.dialect}) exited ${outcome.exit_code ?? outcome.signal}; its output ends with:\n${tail}`,
    );
  }
  // Parsed from the whole of stdout: a long history's SQL is longer than any tail.
  return splitOfflineSql(await readFile(stdoutFile, 'utf8'));
}

async function rehearse(
  plan: Plan,
  runner: ReturnType<typeof alembicRunner>,
  baseHeads: string[],
  versions: string,
  ctx: CheckContext,
): Promise<{ rehearsal: MigrationRehearsal; findings: MigrationFinding[] }> {
  return rehearseDowngrade({
    runner,
    url: databaseUrl(plan, ctx),
    runDir: ctx.runDir,
    target: baseHeads[0] ?? 'base',
    redact: (text) => ctx.redactor.redact(text),
    envPy: path.relative(ctx.loaded.dir, path.join(path.dirname(versions), 'env.py')),
  });
}

/** The plan's database URL, rendered; undefined when it is not set or cannot be rendered. */
function databaseUrl(plan: Plan, ctx: CheckContext): string | undefined {
  if (!plan.database?.url) return undefined;
  try {
    const url = renderString(plan.database.url, ctx.scope(''));
    return typeof url === 'string' && url ? url : undefined;
  } catch (error) {
    if (error instanceof TemplateError) return undefined;
    throw error;
  }
}
