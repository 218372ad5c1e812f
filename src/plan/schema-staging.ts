/**
 * The plan's `staging` section: how to deploy a release to staging and roll it back (for
 * the `rehearsal` check and `preflight rehearse`), and which configuration sources of
 * staging and production the `config` check compares.
 *
 * Built by a factory that takes the plan's duration and ready schemas, so that this file
 * needs nothing from `schema.ts` at load time (the two would otherwise import each other).
 */
import { z } from 'zod';
import type { DurationSpec, ReadySpec } from './schema.js';
import { GateKeys } from './schema-gate.js';

/** A configuration source: a dotenv file, or a command that prints the effective settings. */
export const ConfigSourceSpec = z.union([
  z.string().min(1).describe('a dotenv file, relative to the plan'),
  z.strictObject({ file: z.string().min(1).describe('a dotenv file, relative to the plan') }),
  z.strictObject({
    command: z
      .string()
      .min(1)
      .describe('prints the effective settings: KEY=VALUE lines (dotenv) or one JSON object'),
  }),
]);

/** The `staging.config` section: what the `config` check compares. */
export const ConfigSpec = z.strictObject({
  ...GateKeys,
  staging: ConfigSourceSpec,
  production: ConfigSourceSpec,
  expected_differences: z
    .array(z.string().min(1))
    .default([])
    .describe('keys whose values may differ, or be set on one side only (e.g. DATABASE_URL)'),
  secret_keys: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'keys compared by hash only, besides those whose name looks secret (KEY, SECRET, TOKEN, PASSWORD…)',
    ),
  blocking: z.boolean().default(true),
});

/** Build the `staging` section's schema around the plan's duration and ready schemas. */
export function stagingSpec(parts: { duration: typeof DurationSpec; ready: typeof ReadySpec }) {
  const { duration, ready } = parts;
  const command = (what: string) => z.string().min(1).optional().describe(what);
  return z
    .strictObject({
      ...GateKeys,
      url: z
        .string()
        .min(1)
        .optional()
        .describe('the staging service, e.g. https://staging.example.com; {port} is a free local port'),
      deploy: command('deploys a release; {ref} is the git ref (or WORKTREE, or a directory) to deploy'),
      rollback: command('switches staging back to the release deployed before the current one'),
      current: command('prints the release staging is on (empty when none): recorded before the deploy'),
      restore: command('puts staging on the release {release}; run when a phase of the rehearsal fails'),
      stop: command('run once the rehearsal is over, e.g. to stop a throwaway staging on this machine'),
      env: z
        .record(z.string(), z.string())
        .optional()
        .describe('environment of those commands; {port} is the same free port as in url'),
      cwd: z.string().optional().describe('working directory of the commands, relative to the plan'),
      log: z
        .string()
        .min(1)
        .optional()
        .describe(
          "staging's log file (environment variables such as $ROOT are expanded): read for the reason when critical paths fail",
        ),
      candidate: z
        .string()
        .min(1)
        .default('WORKTREE')
        .describe('the release to rehearse ({ref} of deploy); `preflight rehearse --candidate` overrides it'),
      baseline: z
        .string()
        .min(1)
        .optional()
        .describe('deployed first when staging has no release yet (e.g. HEAD or the last tag)'),
      ready: ready
        .optional()
        .describe(
          'polled after each deploy and rollback until 2xx; without it, any HTTP answer below 500 to GET / means up',
        ),
      ready_timeout: duration.default('60s'),
      command_timeout: duration.default('10m').describe('bounds each deploy, rollback and restore command'),
      every_run: z
        .boolean()
        .default(false)
        .describe(
          'rehearse in every `preflight run` (default: only `preflight rehearse` or --only rehearsal)',
        ),
      blocking: z.boolean().default(true),
      config: ConfigSpec.optional().describe(
        'staging and production configuration, compared by the config check',
      ),
    })
    .refine((s) => !s.deploy || (s.url && s.rollback), {
      message: 'a staging section with "deploy" also needs "url" and "rollback"',
    });
}

export type ConfigSource = z.output<typeof ConfigSourceSpec>;
export type ConfigSettings = z.output<typeof ConfigSpec>;
