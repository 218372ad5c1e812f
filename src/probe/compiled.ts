/**
 * A critical path made ready for the probe once, before the load starts: every request
 * and `expect` block without templates is rendered and prepared here, so iterations
 * reuse them instead of rendering, URL-parsing and copying on every request. Steps
 * with templates are prepared per iteration, as the HTTP engine does.
 */
import type { Dispatcher } from 'undici';
import { splitUrl } from '../http/exchange.js';
import { prepareRequest } from '../http/prepare.js';
import { toMs } from '../plan/duration.js';
import type { CriticalPath, Duration, Step, StepExpect } from '../plan/schema.js';
import type { TemplateScope } from '../plan/template.js';
import { Redactor } from '../secrets/redactor.js';
import type { ProbeRequest } from './sender.js';

/** One step, with what could be prepared ahead of time. */
export interface CompiledStep {
  step: Step;
  /** The request, when it has no templates; else null (prepared per iteration). */
  request: ProbeRequest | null;
  /** `expect` when it has no templates (or is absent); null: rendered per iteration. */
  expect: StepExpect | undefined | null;
  timeoutMs: number;
}

/** A critical path ready for the probe. */
export interface CompiledPath {
  path: CriticalPath;
  steps: CompiledStep[];
  /** Whether an iteration needs its own scope (templates, captures or path variables). */
  needsScope: boolean;
}

/** Whether a plan value contains a template anywhere (conservatively: any `{{`). */
export function hasTemplate(value: unknown): boolean {
  return value !== undefined && JSON.stringify(value).includes('{{');
}

/** A scope for values without templates: nothing in it is ever read. */
function emptyScope(): TemplateScope {
  return {
    env: {},
    secret: () => undefined,
    run: { id: '', dir: '' },
    service: { url: '' },
    vars: new Map(),
    redactor: new Redactor(),
  };
}

/** Turn a prepared request into a probe request. */
export function toProbeRequest(prepared: {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}): ProbeRequest {
  const { origin, path } = splitUrl(prepared.url);
  const out: ProbeRequest = {
    method: prepared.method as Dispatcher.HttpMethod,
    url: prepared.url,
    origin,
    path,
    headers: prepared.headers,
  };
  if (prepared.body !== undefined) out.body = prepared.body;
  return out;
}

/** Prepare a critical path for `baseUrl`. */
export function compilePath(path: CriticalPath, baseUrl: string, defaultTimeout: Duration): CompiledPath {
  const scope = emptyScope();
  let needsScope = Object.keys(path.variables ?? {}).length > 0;
  const steps = path.steps.map((step): CompiledStep => {
    let request: ProbeRequest | null = null;
    if (hasTemplate(step.request)) needsScope = true;
    else {
      const prepared = prepareRequest(step.request, scope, baseUrl);
      // An invalid URL is left to the iteration, which reports it as the step's error.
      if (prepared.ok) request = toProbeRequest(prepared.request);
    }
    const templatedExpect = hasTemplate(step.expect);
    if (templatedExpect || step.capture) needsScope = true;
    return {
      step,
      request,
      expect: templatedExpect ? null : step.expect,
      timeoutMs: toMs(step.timeout ?? defaultTimeout),
    };
  });
  return { path, steps, needsScope };
}
