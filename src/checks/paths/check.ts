/**
 * The `paths` check: every critical path against the running service, a few at a time.
 */
import { runCriticalPath } from '../../http/run-path.js';
import { listPathNames } from '../../plan/path-names.js';
import type { CriticalPath, PathsSettings } from '../../plan/schema.js';
import { newPass } from '../pass.js';
import type { CoverageItem } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import type { PathResult } from './result.js';

const DEFAULT_SETTINGS: PathsSettings = { blocking: true, concurrency: 4, step_timeout: '10s' };

/** Build the `paths` check over the given critical paths (indices into the plan's list). */
export function definePathsCheck(
  selection: { path: CriticalPath; index: number }[],
  settings: PathsSettings | undefined,
): CheckDefinition {
  const s = settings ?? DEFAULT_SETTINGS;
  const totalSteps = selection.reduce((n, p) => n + p.path.steps.length + (p.path.teardown?.length ?? 0), 0);
  return {
    id: 'paths',
    kind: 'paths',
    blocking: s.blocking,
    needs: [],
    // Each step is bounded by its own timeout; this bounds the whole check generously.
    timeoutMs: Math.max(60_000, totalSteps * 60_000),
    run: async (ctx) => {
      const results = await runPaths(selection, s, ctx);
      return { ...summarize(results), runLevel: { paths: results } };
    },
  };
}

async function runPaths(
  selection: { path: CriticalPath; index: number }[],
  s: PathsSettings,
  ctx: CheckContext,
): Promise<PathResult[]> {
  const service = await ctx.service();
  const results: PathResult[] = new Array(selection.length);
  // One pass: its scope, one OpenAPI document (fetched only if a step asks for `schema:
  // openapi`) and one token per user, shared by every path and step.
  const pass = newPass(ctx, {
    serviceUrl: service.url,
    dispatcher: ctx.dispatcher,
    signal: ctx.signal,
    timeout: s.step_timeout,
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < selection.length) {
      const i = next++;
      const { path, index } = selection[i] as { path: CriticalPath; index: number };
      const result = await runCriticalPath(path, {
        baseUrl: pass.baseUrl,
        scope: pass.scope,
        settings: { step_timeout: s.step_timeout },
        signal: ctx.signal,
        serviceGone: () => service.exited?.() ?? null,
        dispatcher: ctx.dispatcher,
        openapi: pass.openapi,
        auth: pass.auth,
        locate: (step, list = 'steps') => ctx.loaded.locate(['critical_paths', index, list, step]),
      });
      result.source = ctx.loaded.locate(['critical_paths', index]);
      for (const step of result.steps) ctx.onStepEnd(path.name, step);
      results[i] = result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency, selection.length) }, worker));
  return results;
}

function summarize(results: PathResult[]): CheckOutcome {
  return { ...summarizeStatus(results), coverage: pathsCoverage(results) };
}

/**
 * Critical paths and steps that ran to an answer, against those the run asked for (a clean-up
 * step with nothing to clean up is not asked for), and the named assertions that applied.
 */
function pathsCoverage(results: PathResult[]): CoverageItem[] {
  const steps = results
    .flatMap((p) => p.steps)
    .filter((s) => !s.skip_reason?.startsWith('nothing to clean up'));
  const applied = steps.flatMap((s) => s.assertions ?? []).filter((a) => a.status !== 'skip');
  const named: CoverageItem[] = applied.length
    ? [
        {
          what: 'named assertions passed',
          covered: applied.filter((a) => a.status === 'pass').length,
          asked: applied.length,
        },
      ]
    : [];
  return [
    {
      what: 'critical paths passed',
      covered: results.filter((p) => p.status === 'pass').length,
      asked: results.length,
    },
    { what: 'steps passed', covered: steps.filter((s) => s.status === 'pass').length, asked: steps.length },
    ...named,
  ];
}

function summarizeStatus(results: PathResult[]): CheckOutcome {
  const bad = results.filter((p) => p.status === 'fail' || p.status === 'error');
  const flaky = results.filter((p) => p.flaky);
  const missing = results
    .flatMap((p) => p.steps)
    .find((s) => s.error?.code === 'TEMPLATE_MISSING_SECRET' || s.error?.code === 'TEMPLATE_MISSING_ENV');
  if (missing?.error) return { status: 'error', summary: missing.error.message, error: missing.error };
  if (results.length > 0 && results.every((p) => p.status === 'skip'))
    return { status: 'skip', summary: 'run cancelled', skip_reason: 'run cancelled' };
  const flakyNote = flaky.length ? `; ${flaky.length} flaky: ${listPathNames(flaky.map((p) => p.name))}` : '';
  if (bad.length === 0)
    return {
      status: 'pass',
      summary: `${results.length} critical path${results.length === 1 ? '' : 's'} passed${flakyNote}`,
    };
  const first = bad[0] as PathResult;
  const step = first.steps.find((st) => st.status === 'fail' || st.status === 'error');
  return {
    status: 'fail',
    summary: `${bad.length} of ${results.length} critical paths failed: ${listPathNames(bad.map((p) => p.name))} (first: step "${step?.name}" of "${first.name}", owner ${first.owner})${flakyNote}`,
  };
}
