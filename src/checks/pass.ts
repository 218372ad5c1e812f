/**
 * A pass: one run of the critical paths against one service (the `paths` check, the database
 * check's capture run, each side of `compare`, each rehearsal phase). Every pass gets the same
 * kind of scope, built here and nowhere else: its own pass id as `{{ run.id }}`, the plan's
 * `variables` rendered afresh with it (so a sign-up's `u-{{ run.id }}@…` differs from pass to
 * pass), the service URL, the secrets, the OpenAPI document read from `service.openapi`
 * (default /openapi.json) of the service this pass talks to, and the plan's `auth` tokens.
 */
import type { Dispatcher } from 'undici';
import { AuthTokens } from '../http/auth.js';
import {
  createOpenApiValidator,
  DEFAULT_OPENAPI_SOURCE,
  type OpenApiValidator,
} from '../openapi/validator.js';
import type { Duration } from '../plan/schema.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';
import type { Redactor } from '../secrets/redactor.js';
import type { CheckContext } from './types.js';

/** What a pass of the critical paths runs with. */
export interface Pass {
  /** `{{ run.id }}` in this pass: the run id, or the run id and the pass's name. */
  id: string;
  baseUrl: string;
  scope: TemplateScope;
  /** For `schema: openapi`: the document of this pass's service, fetched once, on first use. */
  openapi: OpenApiValidator;
  /** The plan's `auth` tokens of this pass: fetched from this pass's service, one per user. */
  auth: AuthTokens;
}

/** How to make a pass. */
export interface PassOptions {
  /** Appended to the run id (`20261203-1252-abc123-db`); none: the run id itself (the `paths` check). */
  name?: string;
  /** The service this pass talks to. */
  serviceUrl: string;
  /** The connections the pass uses (also for the OpenAPI document and tokens; default the run's). */
  dispatcher?: Dispatcher;
  /** Cancels the pass's token requests. */
  signal: AbortSignal;
  /** Bounds each token request (the steps' timeout). */
  timeout: Duration;
}

/** A fresh pass of the critical paths: its own id, variables, OpenAPI document. */
export function newPass(ctx: CheckContext, options: PassOptions): Pass {
  const id = options.name ? `${ctx.runId}-${options.name}` : ctx.runId;
  const scope = passScope(ctx, { id, serviceUrl: options.serviceUrl });
  const dispatcher = options.dispatcher ?? ctx.dispatcher;
  const openapi = createOpenApiValidator({
    source: ctx.loaded.plan.service.openapi ?? DEFAULT_OPENAPI_SOURCE,
    serviceUrl: options.serviceUrl,
    baseDir: ctx.loaded.dir,
    dispatcher,
  });
  const auth = new AuthTokens(ctx.loaded.plan.auth, {
    baseUrl: options.serviceUrl,
    scope,
    dispatcher,
    signal: options.signal,
    timeout: options.timeout,
  });
  return { id, baseUrl: options.serviceUrl, scope, openapi, auth };
}

/** How to make a pass's scope alone (a load probe makes one per iteration). */
export interface PassScopeOptions {
  id: string;
  serviceUrl: string;
  /** `{{ run.dir }}`, when not the run's. */
  dir?: string;
  /** Where secret-named variables are registered, when not the run's redactor. */
  redactor?: Redactor;
}

/** A scope with `{{ run.id }}` = `id` and the plan's variables rendered with it. */
export function passScope(ctx: CheckContext, options: PassScopeOptions): TemplateScope {
  const base = ctx.scope(options.serviceUrl);
  const scope: TemplateScope = {
    ...base,
    run: { id: options.id, dir: options.dir ?? base.run.dir },
    vars: new Map(),
    redactor: options.redactor ?? base.redactor,
  };
  return withPlanVariables(scope, ctx.loaded.plan.variables ?? {});
}

/** The scope with the plan's variables, themselves rendered in order (they may use env, secrets, run). */
export function withPlanVariables(scope: TemplateScope, variables: Record<string, unknown>): TemplateScope {
  for (const [name, value] of Object.entries(variables)) {
    const rendered = typeof value === 'string' ? renderTemplate(value, scope) : value;
    scope.redactor.addNamed(name, rendered);
    scope.vars.set(name, rendered);
  }
  return scope;
}
