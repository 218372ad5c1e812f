/**
 * The `database` check: start the service with the query-capture shim, run the critical
 * paths one at a time with the step header, and review what they asked of the database:
 * realistic data first, then the plan of each statement shape, then N+1.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { runCriticalPath } from '../../http/run-path.js';
import { toMs } from '../../plan/duration.js';
import type { Plan } from '../../plan/schema.js';
import type { DatabaseConfig } from '../../plan/schema-database.js';
import { renderTemplate, type TemplateScope } from '../../plan/template.js';
import type { DatabaseReview } from '../../result-database.js';
import { renderServiceEnv, startService } from '../../run/service.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { captureEnv, readCapture, withStepHeaders } from './capture.js';
import { openDatabase } from './client.js';
import { diffPlans, readBaselineReview } from './plan-diff.js';
import { checkRealistic } from './realistic.js';
import { reviewStatements } from './review.js';
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
  // Captured first: on a fresh SQLite database the service creates the file and the schema.
  const statements = await captureCriticalPaths(plan, config, ctx);
  const client = await openDatabase(url, path.resolve(ctx.loaded.dir, plan.service.cwd ?? '.'));
  try {
    const realistic = await checkRealistic(client, config);
    if (realistic.short && config.realistic_shortfall === 'fail') {
      const database = emptyReview(client.dialect, config, realistic.tables, realistic.findings);
      return { ...summarizeReview(database), database };
    }
    const reviewed = await reviewStatements(statements.captured, {
      client,
      analyze: config.analyze,
      seqScanRows: config.seq_scan_rows,
      nPlusOne: config.n_plus_one,
      redactor: ctx.redactor,
    });
    const database: DatabaseReview = {
      ...reviewed,
      tables: realistic.tables,
      findings: [...realistic.findings, ...reviewed.findings],
    };
    if (baseline) database.plan_changes = diffPlans(baseline, database);
    return { ...summarizeReview(database, statements.failedPaths), database };
  } finally {
    await client.close();
  }
}

/** Run the critical paths against a service of their own with capture on; one path at a time. */
async function captureCriticalPaths(plan: Plan, config: DatabaseConfig, ctx: CheckContext) {
  const dir = path.join(ctx.runDir, 'database');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'statements.jsonl');
  const env = renderServiceEnv(plan.service.env ?? {}, ctx.scope(''), ctx.redactor);
  Object.assign(env, captureEnv(file, env));
  const service = await startService({
    config: { ...plan.service, url: undefined },
    planDir: ctx.loaded.dir,
    logFile: path.join(dir, 'service.log'),
    env,
    signal: ctx.signal,
    dispatcher: ctx.dispatcher,
  });
  const failedPaths: string[] = [];
  const windows: StepWindow[] = [];
  const dispatcher = recordWindows(ctx.dispatcher, windows);
  try {
    const wanted = config.paths ? new Set(config.paths) : null;
    for (const critical of plan.critical_paths ?? []) {
      if (wanted && !wanted.has(critical.name)) continue;
      const result = await runCriticalPath(withStepHeaders(critical), {
        baseUrl: service.url,
        scope: capturedPassScope(ctx, service.url),
        settings: { step_timeout: plan.paths?.step_timeout ?? '10s' },
        signal: ctx.signal,
        dispatcher,
      });
      if (result.status !== 'pass') failedPaths.push(critical.name);
    }
  } finally {
    // Stopped before reading, so every statement is written.
    await service.stop();
  }
  return { captured: attributeByWindow(await readCapture(file), windows), failedPaths };
}

/**
 * The captured pass's scope: its own run id, so that what the paths create with `{{ run.id }}`
 * (a sign-up's email) does not collide with the paths check's pass against the same database.
 */
function capturedPassScope(ctx: CheckContext, serviceUrl: string): TemplateScope {
  const base = ctx.scope(serviceUrl);
  return { ...base, run: { ...base.run, id: `${ctx.runId}-db` } };
}

function emptyReview(
  dialect: DatabaseReview['dialect'],
  config: DatabaseConfig,
  tables: DatabaseReview['tables'],
  findings: DatabaseReview['findings'],
): DatabaseReview {
  return { dialect, analyze: config.analyze, outside_steps: 0, tables, steps: [], plans: [], findings };
}
