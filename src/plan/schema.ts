/**
 * The plan schema's parts: the plan's own keys (`PlanBase`) and the building blocks the check
 * kinds' sections use (steps, requests, matchers, durations). src/plan/spec.ts composes them with
 * each kind's section into the single source of truth for `preflight.yaml`.
 */
import { z } from 'zod';
import { AuthRef, authSpec } from './schema-auth.js';
import { cacheSpec } from './schema-cache.js';
import { contractSpec } from './schema-contract.js';
import { durationSpec } from './schema-duration.js';
import { GateKeys } from './schema-gate.js';
import { stagingSpec } from './schema-staging.js';

/** A duration: a number of milliseconds, or a string such as `500ms`, `30s`, `2m`. */
export const DurationSpec = durationSpec();

// A bigint is an integer beyond 2^53 as YAML read it, kept exact (yaml-data.ts).
const Scalar = z.union([z.string(), z.number(), z.bigint(), z.boolean(), z.null()]);
const Numeric = z.union([z.number(), z.bigint()]);

/** A matcher: a literal (equality) or an object of operators, all of which must hold. */
const MatcherOperators = z.strictObject({
  eq: z.unknown().optional(),
  ne: z.unknown().optional(),
  gt: Numeric.optional(),
  gte: Numeric.optional(),
  lt: Numeric.optional(),
  lte: Numeric.optional(),
  type: z.enum(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']).optional(),
  match: z.string().optional().describe('a regular expression the value (as text) must match'),
  contains: z.unknown().optional().describe('substring of a string, or element of an array'),
  exists: z.boolean().optional(),
  length: z.number().int().nonnegative().optional(),
  in: z.array(z.unknown()).optional(),
  truthy: z
    .boolean()
    .optional()
    .describe('true: not false, 0, "", null or missing (as JavaScript tests a value); false: one of those'),
  empty: z
    .boolean()
    .optional()
    .describe('true: an empty string, array or object; false: a non-empty one (anything else fails both)'),
});

export const MatcherSpec = z.union([Scalar, MatcherOperators]);

const StatusCode = z.number().int().min(100).max(599);

/** A status code, a list of them, or a matcher such as `{ gte: 200, lt: 300 }` (any 2xx). */
export const StatusSpec = z.union([StatusCode, z.array(StatusCode).min(1), MatcherOperators]);

/** What a response must satisfy. */
export const ExpectSpec = z.strictObject({
  status: StatusSpec.optional(),
  headers: z.record(z.string(), MatcherSpec).optional().describe('header name -> matcher'),
  json: z.record(z.string(), MatcherSpec).optional().describe('JSONPath (e.g. "$.items[0].id") -> matcher'),
  body: z
    .strictObject({
      contains: z.string().optional(),
      not_contains: z.string().optional(),
      match: z.string().optional(),
    })
    .optional(),
  schema: z
    .union([z.literal('openapi'), z.record(z.string(), z.unknown())])
    .optional()
    .describe(
      'a JSON Schema the response body must satisfy, or "openapi": status, content type and body as the service\'s OpenAPI document says',
    ),
  max_ms: z.number().positive().optional().describe('the step fails when the response takes longer'),
  vars: z
    .record(z.string(), MatcherSpec)
    .optional()
    .describe('variable name -> matcher: plan variables and captures as they are when the step is judged'),
});

/** Conditions of a named assertion: each one an expectation that holds or not. */
const ConditionsSpec = z.union([ExpectSpec, z.array(ExpectSpec).min(1)]);

/** A named assertion (a Postman test): its own result in the step, optionally only under a condition. */
export const NamedAssertionSpec = ExpectSpec.extend({
  name: z.string().min(1),
  when: ConditionsSpec.optional().describe(
    'the assertion applies only when all of these hold (else: skipped)',
  ),
  unless: ConditionsSpec.optional().describe('the assertion is skipped when any of these holds'),
  fail: z.string().min(1).optional().describe('fails with this message whenever it applies'),
});

/** JavaScript kept from an imported collection, run in a sandbox with a Postman-compatible `pm` API. */
export const ScriptSpec = z.union([
  z.string().min(1).describe('run after the response, as a Postman test script'),
  z.strictObject({
    prerequest: z.string().min(1).optional().describe('run before the request is rendered'),
    test: z.string().min(1).optional().describe('run after the response and the captures'),
  }),
]);

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export const RequestSpec = z.strictObject({
  method: HttpMethod.default('GET'),
  url: z.string().min(1).describe('absolute, or relative to the service URL'),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  json: z.unknown().optional(),
  body: z.string().optional(),
  form: z.record(z.string(), z.string()).optional(),
});

export { CAPTURE_SOURCES } from './capture-sources.js';

/** A capture: a JSONPath, or a mapping with one source of CAPTURE_SOURCES. */
export const CaptureSpec = z.union([
  z.string().min(1).describe('a JSONPath into the response body'),
  z.strictObject({
    json: z.string().optional(),
    header: z.string().optional(),
    cookie: z.string().optional(),
    regex: z.string().optional().describe('the first group (or the whole match) in the body'),
    value: Scalar.optional().describe(
      'a fixed value instead of one read from the response: set after the response (when the conditions allow), templated once with the variables of that moment',
    ),
    secret: z.boolean().optional().describe('redact the captured value in every output'),
    text: z
      .boolean()
      .optional()
      .describe('keep the value as text (1 becomes "1"), as the legacy postman.setEnvironmentVariable does'),
    when: ConditionsSpec.optional().describe('capture only when all of these hold'),
    unless: ConditionsSpec.optional().describe('do not capture when any of these holds'),
  }),
]);

export const RetrySpec = z.strictObject({
  count: z.number().int().min(1).max(100),
  interval: DurationSpec.default('500ms'),
  until: ExpectSpec.optional().describe('poll until this holds; a step that polls is not called flaky'),
});

const VariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

export const StepSpec = z.strictObject({
  name: z.string().min(1),
  set: z
    .record(VariableName, Scalar)
    .optional()
    .describe('variables set (templated) before the request, for this step and the ones after it'),
  request: RequestSpec,
  expect: ExpectSpec.optional(),
  assertions: z
    .array(NamedAssertionSpec)
    .optional()
    .describe('named assertions, each with its own result (as Postman tests are)'),
  capture: z.record(VariableName, CaptureSpec).optional(),
  script: ScriptSpec.optional(),
  retry: RetrySpec.optional(),
  timeout: DurationSpec.optional(),
  always: z
    .boolean()
    .optional()
    .describe('run this step even when an earlier step failed (clean-up in the middle of a path)'),
  auth: AuthRef.optional(),
});

export const SloSpec = z.strictObject({
  p50_ms: z.number().positive().optional(),
  p95_ms: z.number().positive().optional(),
  p99_ms: z.number().positive().optional(),
  errors: z.number().min(0).optional().describe('maximum error rate, in percent'),
});

export const CriticalPathSpec = z.strictObject({
  name: z.string().min(1),
  owner: z.string().min(1).describe('who answers for this path at launch'),
  expect: z.string().min(1).describe('the expected result, in words'),
  rollback: z.string().min(1).describe('how to roll back if this path breaks after launch'),
  slo: SloSpec.optional(),
  variables: z.record(z.string(), Scalar).optional(),
  auth: AuthRef.optional(),
  on_failure: z
    .enum(['stop', 'continue'])
    .default('stop')
    .describe(
      'after a failed step: skip the rest (stop), or run every step anyway (continue, as Newman does)',
    ),
  steps: z.array(StepSpec).min(1),
  teardown: z
    .array(StepSpec)
    .optional()
    .describe('steps run after the others whatever happened (unless the run was cancelled): clean-up'),
});

export const ReadySpec = z.union([
  z
    .string()
    .regex(/^(GET|HEAD)\s+\S+$/)
    .describe('e.g. "GET /healthz"'),
  z.strictObject({
    path: z.string().min(1),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    timeout: DurationSpec.optional(),
    interval: DurationSpec.optional(),
  }),
]);

export const ServiceSpec = z.strictObject({
  name: z.string().min(1),
  owner: z.string().min(1).optional(),
  version: z.string().optional().describe('defaults to `git describe --tags --always`'),
  start: z
    .string()
    .min(1)
    .optional()
    .describe('command that starts the service; {port} is replaced by a free port'),
  url: z.string().url().optional().describe('an already running service; overrides start'),
  cwd: z.string().optional().describe('working directory of start, relative to the plan'),
  ready: ReadySpec.optional().describe(
    'polled until it answers 2xx; without it, any HTTP answer below 500 to GET / means the service is up (a running service that keeps answering 5xx there: the run goes on after about 2 s, with a note)',
  ),
  ready_timeout: DurationSpec.default('30s'),
  env: z.record(z.string(), z.string()).optional(),
  openapi: z
    .string()
    .min(1)
    .optional()
    .describe(
      'where the OpenAPI document is, for `schema: openapi`: a path on the service (default /openapi.json), an http(s) URL, or a file relative to the plan',
    ),
});

export const CommandCheckSpec = z.strictObject({
  ...GateKeys,
  run: z.string().min(1).describe('shell command; {junit} is replaced by a report file path'),
  parse: z.enum(['ruff', 'junit', 'none']).default('none'),
  blocking: z.boolean().default(true),
  timeout: DurationSpec.default('10m'),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  needs: z.array(z.string()).optional().describe('checks that must pass first; "service" starts the service'),
});

export const PathsSettingsSpec = z.strictObject({
  ...GateKeys,
  blocking: z.boolean().default(true),
  concurrency: z.number().int().min(1).max(64).default(4),
  step_timeout: DurationSpec.default('10s'),
});

/** The `cache` section: cache behaviour through the CDN and the cache-leak probe (schema-cache.ts). */
export const CacheSpec = cacheSpec({ step: StepSpec, duration: DurationSpec });

/** The `contract` section: Schemathesis against the started service (schema-contract.ts). */
export const ContractSpec = contractSpec({ duration: DurationSpec });

/** The `staging` section: deploy, rollback and configuration of staging (schema-staging.ts). */
export const StagingSpec = stagingSpec({ duration: DurationSpec, ready: ReadySpec });

/** The `auth` section: named users and how each gets its token (schema-auth.ts). */
export const AuthSpec = authSpec({ request: RequestSpec });

/**
 * The plan's own keys: what every plan has whatever checks it asks for. Each check kind adds
 * its keys (its `plan.ts`); src/plan/spec.ts composes the two into the plan's schema.
 */
export const PlanBase = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  service: ServiceSpec,
  secrets: z
    .strictObject({
      file: z.string().optional().describe('dotenv file, git-ignored, read after the environment'),
    })
    .optional(),
  variables: z.record(z.string(), Scalar).optional(),
  auth: AuthSpec.optional().describe(
    'users whose bearer tokens the critical paths send (fetched once per pass)',
  ),
  assumptions: z.array(z.string()).optional(),
  release: z.strictObject({ tag: z.string().default('v{version}') }).optional(),
  record: z.strictObject({ dir: z.string().default('launches/') }).optional(),
});

export type { Plan } from './spec.js';
export type ServiceConfig = z.output<typeof ServiceSpec>;
export type CriticalPath = z.output<typeof CriticalPathSpec>;
export type Step = z.output<typeof StepSpec>;
export type StepRequest = z.output<typeof RequestSpec>;
export type StepExpect = z.output<typeof ExpectSpec>;
export type Matcher = z.output<typeof MatcherSpec>;
export type Capture = z.output<typeof CaptureSpec>;
export type NamedAssertion = z.output<typeof NamedAssertionSpec>;
export type StepScript = z.output<typeof ScriptSpec>;
export type Retry = z.output<typeof RetrySpec>;
export type CommandCheck = z.output<typeof CommandCheckSpec>;
export type PathsSettings = z.output<typeof PathsSettingsSpec>;
export type Duration = z.output<typeof DurationSpec>;
export type CacheConfig = z.output<typeof CacheSpec>;
export type StagingConfig = z.output<typeof StagingSpec>;
export type AuthConfig = z.output<typeof AuthSpec>;
export type AuthUser = AuthConfig['users'][string];
export type ContractConfig = z.output<typeof ContractSpec>;

export { toMs } from './duration.js';
