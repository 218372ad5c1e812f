/**
 * The `database` check: start the service with the query-capture shim, run the critical
 * paths one at a time with the step header, and review what they asked of the database:
 * realistic data first, then the plan of each statement shape, then N+1.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCriticalPath } from '../../http/run-path.js';
import { toMs } from '../../plan/duration.js';
import { listPathNames } from '../../plan/path-names.js';
import type { Plan } from '../../plan/schema.js';
import type { DatabaseConfig } from '../../plan/schema-database.js';
import { migrationsSettings } from '../../plan/schema-migrations.js';
import { renderTemplate } from '../../plan/template.js';
import { renderServiceEnv, startService } from '../../process/service.js';
import { INCOMPLETE_COVERAGE } from '../coverage.js';
import { alembicRunner, runAlembic } from '../migrations/alembic.js';
import { newPass } from '../pass.js';
import type { PathResult } from '../paths/result.js';
import type { CoverageItem } from '../result.js';
import { proveScratch, ScratchProofError } from '../scratch-proof.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { captureEnv, readCapture, withStepHeaders } from './capture.js';
import { openDatabase } from './client.js';
import { diffPlans, readBaselineReview } from './plan-diff.js';
import { checkRealistic } from './realistic.js';
import type { DatabaseReview } from './result.js';
import { reviewStatements } from './review.js';
import { SeedError, seedScratchDatabase } from './seed.js';
import { summarizeReview } from './summary.js';
import { attributeByWindow, recordWindows, type StepWindow } from './windows.js';

/** Build the `database` check of a plan whose `database` section asks for capture. */
export function defineDatabaseCheck(plan: Plan, config: DatabaseConfig): CheckDefinition {
  return {
    id: 'database',
    kind: 'database',
    blocking: config.blocking,
    needs: [],
    // Ordering only: the paths check's service creates the schema of a fresh database first.
    after: (plan.critical_paths?.length ?? 0) > 0 ? ['paths'] : [],
    timeoutMs: toMs(config.timeout),
    run: (ctx) => runDatabaseCheck(plan, config, ctx),
  };
}

async function runDatabaseCheck(
  plan: Plan,
  config: DatabaseConfig,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  if (!plan.service.start || plan.service.url) {
    const reason = 'query capture needs a service that preflight starts (service.start, no service.url)';
    return { status: 'skip', summary: reason, skip_reason: reason };
  }
  const scope = ctx.scope('');
  const url = String(renderTemplate(config.url, scope));
  const password = /^[a-z0-9+]+:\/\/[^:/@]*:([^@/]*)@/i.exec(url)?.[1];
  if (password) ctx.redactor.add(decodeURIComponent(password));
  // Read first: a wrong path should not cost a capture run.
  const baseline = config.baseline
    ? await readBaselineReview(path.resolve(ctx.loaded.dir, String(renderTemplate(config.baseline, scope))))
    : null;
  const cwd = path.resolve(ctx.loaded.dir, plan.service.cwd ?? '.');
  const serviceEnv = renderServiceEnv(plan.service.env ?? {}, ctx.scope(''), ctx.redactor);
  const seeded = config.seed
    ? await seedScratchDatabase({
        config,
        url,
        serviceEnv,
        cwd,
        runDir: ctx.runDir,
        signal: ctx.signal,
        ...(config.migrations ? { prove: proveWithAlembic(config, ctx) } : {}),
      })
    : null;
  try {
    const reviewed = seeded ? seeded.url : url;
    // Captured first: on a fresh SQLite database the service creates the file and the schema.
    const statements = await captureCriticalPaths(plan, config, ctx, seeded?.env ?? serviceEnv);
    const client = await openDatabase(reviewed, cwd);
    try {
      const realistic = await checkRealistic(client, config);
      const review = await reviewStatements(statements.captured, {
        client,
        analyze: config.analyze,
        seqScanRows: config.seq_scan_rows,
        nPlusOne: config.n_plus_one,
        redactor: ctx.redactor,
      });
      const database: DatabaseReview = {
        ...review,
        tables: realistic.tables,
        findings: [...realistic.findings, ...review.findings],
        ...(seeded
          ? {
              seed: {
                kind: seeded.kind,
                command: seeded.seed,
                ...(seeded.proof ? { proof: seeded.proof } : {}),
              },
            }
          : {}),
      };
      if (baseline) database.plan_changes = diffPlans(baseline, database);
      const outcome = { ...summarizeReview(database, statements.failedPaths), database };
      return judgeCoverage(outcome, database, statements, config);
    } finally {
      await client.close();
    }
  } finally {
    await seeded?.drop().catch(() => {});
  }
}

/**
 * The seed's proof for a project with Alembic: `alembic current`, through its env.py and with
 * the seed's environment, must show the marker placed in the scratch database.
 */
function proveWithAlembic(
  config: DatabaseConfig,
  ctx: CheckContext,
): (env: Record<string, string>, scratchUrl: string) => Promise<{ marker: string; duration_ms: number }> {
  return async (env, scratchUrl) => {
    const settings = migrationsSettings(config.migrations as NonNullable<DatabaseConfig['migrations']>);
    const runner = { ...alembicRunner(settings, ctx.loaded.dir, ctx.signal), env, urlEnv: 'DATABASE_URL' };
    return proveScratch({
      scratchUrl,
      read: () => runAlembic(runner, ['current'], scratchUrl),
      configFile: `the env.py of ${path.relative(ctx.loaded.dir, runner.ini) || runner.ini}`,
      mapKey: 'database.seed.env',
      env: { ...process.env, ...env, DATABASE_URL: undefined, PREFLIGHT_DATABASE_URL: undefined },
    }).catch((error: unknown) => {
      if (!(error instanceof ScratchProofError)) throw error;
      const tail = error.tail ? `; \`alembic current\` printed:\n${ctx.redactor.redact(error.tail)}` : '';
      throw new SeedError(
        'DATABASE_SEED_UNSAFE',
        `database.seed was not run: ${ctx.redactor.redact(error.message)}${tail}`,
      );
    });
  };
}

/**
 * A review is a pass only on what the plan asked: every step of the reviewed paths captured
 * (a path that failed while captured hides what its later steps ask of the database) and
 * every `realistic` table at its volume. Short of that a blocking check covered less than
 * asked (error `INCOMPLETE_COVERAGE`, NO-GO), unless a finding already failed it.
 */
function judgeCoverage(
  outcome: CheckOutcome,
  database: DatabaseReview,
  statements: CapturedPaths,
  config: DatabaseConfig,
): CheckOutcome {
  const tables = database.tables;
  const realisticTables = tables.filter((t) => t.rows !== null && t.rows >= t.minimum).length;
  const failed = statements.paths.filter((p) => p.status !== 'pass');
  const coverage: CoverageItem[] = [
    {
      what: 'critical paths captured',
      covered: statements.paths.length - failed.length,
      asked: statements.paths.length,
      ...(failed.length ? { detail: failed.map(describeFailedPath).join('; ') } : {}),
    },
    { what: 'steps captured', covered: statements.stepsCaptured, asked: statements.stepsAsked },
  ];
  if (tables.length > 0) {
    const short = tables.filter((t) => t.rows === null || t.rows < t.minimum);
    coverage.push({
      what: 'tables at realistic volume',
      covered: realisticTables,
      asked: tables.length,
      ...(short.length
        ? { detail: short.map((t) => `${t.table}: ${t.rows ?? 'no table'} of ${t.minimum} rows`).join(', ') }
        : {}),
    });
  }
  const withCoverage = { ...outcome, coverage };
  const reasons: string[] = [];
  if (failed.length > 0)
    reasons.push(
      `${failed.length} of ${statements.paths.length} critical path${statements.paths.length === 1 ? '' : 's'} failed while captured: ${failed.map(describeFailedPath).join('; ')}; the review covers ${statements.stepsCaptured} of ${statements.stepsAsked} steps`,
    );
  const shortTables = coverage.find((c) => c.what === 'tables at realistic volume' && c.covered < c.asked);
  if (shortTables)
    reasons.push(
      `${shortTables.asked - shortTables.covered} of ${shortTables.asked} database.realistic table${shortTables.asked === 1 ? ' is' : 's are'} below ${shortTables.asked === 1 ? 'its' : 'their'} volume (${shortTables.detail}): ${config.seed ? 'database.seed did not fill them' : 'fill a scratch database with database.seed, or lower database.realistic'}`,
    );
  if (reasons.length === 0 || outcome.status === 'fail') return withCoverage;
  const message = reasons.join('; ');
  return {
    ...withCoverage,
    status: 'error',
    summary: message,
    error: { code: INCOMPLETE_COVERAGE, message },
  };
}

function describeFailedPath(p: PathResult): string {
  const step = p.steps.find((s) => s.status === 'fail' || s.status === 'error');
  const name = listPathNames([p.name]);
  if (!step) return name;
  const why = step.failures?.[0]?.message ?? step.error?.message ?? step.status;
  return `${name} (step "${step.name}": ${why.split('\n')[0]})`;
}

interface CapturedPaths {
  captured: ReturnType<typeof attributeByWindow>;
  failedPaths: string[];
  paths: PathResult[];
  stepsAsked: number;
  stepsCaptured: number;
}

/** Run the critical paths against a service of their own with capture on; one path at a time. */
async function captureCriticalPaths(
  plan: Plan,
  config: DatabaseConfig,
  ctx: CheckContext,
  serviceEnv: Record<string, string>,
): Promise<CapturedPaths> {
  const dir = path.join(ctx.runDir, 'database');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'statements.jsonl');
  const env = { ...serviceEnv, ...captureEnv(file, serviceEnv) };
  const service = await startService({
    config: { ...plan.service, url: undefined },
    planDir: ctx.loaded.dir,
    logFile: path.join(dir, 'service.log'),
    redactLog: (text) => ctx.redactor.redact(text),
    env,
    signal: ctx.signal,
    dispatcher: ctx.dispatcher,
  });
  const paths: PathResult[] = [];
  const windows: StepWindow[] = [];
  const dispatcher = recordWindows(ctx.dispatcher, windows);
  let stepsAsked = 0;
  const timeout = plan.paths?.step_timeout ?? '10s';
  // Its own pass: what the paths create with `{{ run.id }}` (a sign-up's email) does not
  // collide with the paths check's pass against the same database; its own tokens, fetched
  // against this service.
  const pass = newPass(ctx, { name: 'db', serviceUrl: service.url, dispatcher, signal: ctx.signal, timeout });
  try {
    const wanted = config.paths ? new Set(config.paths) : null;
    for (const critical of plan.critical_paths ?? []) {
      if (wanted && !wanted.has(critical.name)) continue;
      stepsAsked += critical.steps.length;
      const result = await runCriticalPath(withStepHeaders(critical), {
        baseUrl: pass.baseUrl,
        scope: { ...pass.scope, vars: new Map(pass.scope.vars) },
        settings: { step_timeout: timeout },
        signal: ctx.signal,
        dispatcher,
        openapi: pass.openapi,
        auth: pass.auth,
      });
      paths.push(result);
    }
  } finally {
    // Stopped before reading, so every statement is written.
    await service.stop();
  }
  const stepsCaptured = paths.reduce((n, p) => n + p.steps.filter((s) => s.status === 'pass').length, 0);
  return {
    captured: attributeByWindow(await readCapture(file), windows),
    failedPaths: paths.filter((p) => p.status !== 'pass').map((p) => p.name),
    paths,
    stepsAsked,
    stepsCaptured,
  };
}
