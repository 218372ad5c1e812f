/**
 * The `paths` check: every critical path against the running service, a few at a time.
 */
import { runCriticalPath } from '../http/run-path.js';
import { createOpenApiValidator, DEFAULT_OPENAPI_SOURCE } from '../openapi/validator.js';
import type { CriticalPath, PathsSettings } from '../plan/schema.js';
import type { PathResult } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from './types.js';

const DEFAULT_SETTINGS: PathsSettings = { blocking: true, concurrency: 4, step_timeout: '10s' };

/** Build the `paths` check over the given critical paths (indices into the plan's list). */
export function definePathsCheck(
  selection: { path: CriticalPath; index: number }[],
  settings: PathsSettings | undefined,
  sink: (results: PathResult[]) => void,
): CheckDefinition {
  const s = settings ?? DEFAULT_SETTINGS;
  const totalSteps = selection.reduce((n, p) => n + p.path.steps.length, 0);
  return {
    id: 'paths',
    kind: 'paths',
    blocking: s.blocking,
    needs: [],
    // Each step is bounded by its own timeout; this bounds the whole check generously.
    timeoutMs: Math.max(60_000, totalSteps * 60_000),
    run: async (ctx) => {
      const results = await runPaths(selection, s, ctx);
      sink(results);
      return summarize(results);
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
  // One document per run, fetched only if a step asks for `schema: openapi`.
  const openapi = createOpenApiValidator({
    source: ctx.loaded.plan.service.openapi ?? DEFAULT_OPENAPI_SOURCE,
    serviceUrl: service.url,
    baseDir: ctx.loaded.dir,
    dispatcher: ctx.dispatcher,
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < selection.length) {
      const i = next++;
      const { path, index } = selection[i] as { path: CriticalPath; index: number };
      const result = await runCriticalPath(path, {
        baseUrl: service.url,
        scope: ctx.scope(service.url),
        settings: { step_timeout: s.step_timeout },
        signal: ctx.signal,
        dispatcher: ctx.dispatcher,
        openapi,
        locate: (step) => ctx.loaded.locate(['critical_paths', index, 'steps', step]),
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
  const bad = results.filter((p) => p.status === 'fail' || p.status === 'error');
  const flaky = results.filter((p) => p.flaky);
  const missing = results
    .flatMap((p) => p.steps)
    .find((s) => s.error?.code === 'TEMPLATE_MISSING_SECRET' || s.error?.code === 'TEMPLATE_MISSING_ENV');
  if (missing?.error) return { status: 'error', summary: missing.error.message, error: missing.error };
  if (results.length > 0 && results.every((p) => p.status === 'skip'))
    return { status: 'skip', summary: 'run cancelled', skip_reason: 'run cancelled' };
  const flakyNote = flaky.length ? `; ${flaky.length} flaky: ${flaky.map((p) => p.name).join(', ')}` : '';
  if (bad.length === 0)
    return {
      status: 'pass',
      summary: `${results.length} critical path${results.length === 1 ? '' : 's'} passed${flakyNote}`,
    };
  const first = bad[0] as PathResult;
  const step = first.steps.find((st) => st.status === 'fail' || st.status === 'error');
  return {
    status: 'fail',
    summary: `${bad.length} of ${results.length} critical paths failed: ${bad.map((p) => p.name).join(', ')} (first: step "${step?.name}" of "${first.name}", owner ${first.owner})${flakyNote}`,
  };
}
