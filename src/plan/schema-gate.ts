/**
 * When a blocking check may be skipped: only where the plan says so. Every check section takes
 *
 *     optional: true                 # may be skipped when it cannot apply (the reason is shown)
 *     when: { env: SHOP_CDN_URL }    # runs only when these environment variables are set
 *
 * Any other skip of a blocking check makes the run NO-GO; every skip is named in the banner,
 * the JSON result and the launch record.
 */
import { z } from 'zod';

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const WhenSpec = z.strictObject({
  env: z
    .union([EnvName, z.array(EnvName).min(1)])
    .describe(
      'run only when these environment variables are set and not empty; otherwise skipped as the plan allows',
    ),
});

/** The keys every check section takes; spread into its object schema. */
export const GateKeys = {
  optional: z
    .boolean()
    .optional()
    .describe(
      'the check may be skipped when it cannot apply (e.g. no release tag yet); the skip is shown, not hidden',
    ),
  when: WhenSpec.optional().describe(
    'run the check only when this holds; otherwise it is skipped as the plan allows',
  ),
};
