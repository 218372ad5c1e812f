/**
 * The plan's `contract` section: the `contract` check drives Schemathesis against the started
 * service, with cases generated from its OpenAPI document.
 *
 *     contract:
 *       schema: /openapi.json            # a path on the service, a URL, or a file next to the plan
 *       operations: { include: ["GET /products", "POST /cart/items"] }   # default: all
 *       max_examples: 20                 # per operation
 *       max_time: 30s                    # for the whole run
 *       rate_limit: 50/s
 *       headers: { X-Api-Key: "{{ secrets.SHOP_API_KEY }}" }
 *       auth: admin                      # a user of auth.users (default: auth.default), or none
 *       severity: { ST103: error }       # per Schemathesis check code; the defaults are below
 */
import { z } from 'zod';
import { AuthRef } from './schema-auth.js';
import type { durationSpec } from './schema-duration.js';
import { GateKeys } from './schema-gate.js';

/** Schemathesis check codes that block by default: server errors and response-schema violations. */
export const DEFAULT_BLOCKING_CODES = ['ST101', 'ST102', 'ST108', 'ST111'] as const;

const CheckCode = z.string().regex(/^ST\d{3}$/, 'a Schemathesis check code such as "ST101"');
const Operation = z
  .string()
  .regex(/^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) \/\S*$/, 'an operation such as "GET /products"');

/** The `contract` section. */
export function contractSpec(options: { duration: ReturnType<typeof durationSpec> }) {
  return z.strictObject({
    ...GateKeys,
    schema: z
      .string()
      .min(1)
      .default('/openapi.json')
      .describe(
        'the OpenAPI document: a path on the service, an http(s) URL, or a file relative to the plan',
      ),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('the Schemathesis CLI (default: .venv/bin/st next to the plan, else st on PATH)'),
    operations: z
      .strictObject({
        include: z.array(Operation).min(1).optional().describe('only these operations (default: all)'),
        exclude: z.array(Operation).min(1).optional().describe('never these operations'),
      })
      .optional(),
    max_examples: z.number().int().min(1).max(10_000).default(20).describe('test cases per operation'),
    max_time: options.duration
      .default('60s')
      .describe('time budget of the whole Schemathesis run (at least 1 s)'),
    rate_limit: z
      .string()
      .regex(/^\d+\/(s|m|h)$/, 'requests per duration, such as "50/s" or "600/m"')
      .optional()
      .describe('at most this many requests, e.g. "50/s"'),
    auth: AuthRef.optional().describe(
      'the user of auth.users Schemathesis runs as (its token on every request), or none; default: auth.default',
    ),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'an HTTP header name (letters, digits, - _ .)'),
        z.string(),
      )
      .optional()
      .describe('sent with every request (templated: {{ secrets.NAME }}, {{ env.NAME }})'),
    phases: z
      .array(z.enum(['examples', 'coverage', 'fuzzing', 'stateful']))
      .min(1)
      .optional()
      .describe('Schemathesis test phases (default: all)'),
    severity: z
      .record(CheckCode, z.enum(['error', 'warning']))
      .optional()
      .describe(
        `per check code; by default ${DEFAULT_BLOCKING_CODES.join(', ')} are errors, the rest warnings`,
      ),
    seed: z.number().int().nonnegative().optional().describe('random seed, for a repeatable run'),
    blocking: z.boolean().default(true),
    timeout: options.duration.optional().describe('bound on the whole check (default max_time + 60 s)'),
  });
}
