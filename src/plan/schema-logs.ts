/**
 * The plan's `logs` section: which logs the `logs` check reads (the service's own output,
 * files, commands such as journalctl) and how many ERROR, CRITICAL and Traceback lines
 * within the run's time window are allowed.
 *
 *     logs: [service, { file: /var/log/shop/app.log }]
 *     logs: { sources: [service, { command: "journalctl -u shop --since '{since}' -o short-iso" }], max: { error: 2 } }
 */
import { z } from 'zod';
import { GateKeys } from './schema-gate.js';

/** One log source. */
export const LogSourceSpec = z.union([
  z.literal('service').describe("the service's own output in this run"),
  z.strictObject({
    file: z
      .string()
      .min(1)
      .describe('a log file (environment variables such as $HOME are expanded); only what the run appended'),
  }),
  z.strictObject({
    command: z
      .string()
      .min(1)
      .describe(
        "prints log lines; {since} is the run's start as YYYY-MM-DD HH:MM:SS UTC, {since_epoch} in seconds",
      ),
  }),
]);

/** How many lines of each kind the run may log before the check fails. */
export const LogThresholdsSpec = z.strictObject({
  error: z.number().int().nonnegative().optional().describe('ERROR lines allowed (default 0)'),
  critical: z.number().int().nonnegative().optional().describe('CRITICAL/FATAL lines allowed (default 0)'),
  traceback: z.number().int().nonnegative().optional().describe('Python tracebacks allowed (default 0)'),
});

/** The `logs` section: a list of sources, or sources with thresholds. */
export const LogsSpec = z.union([
  z.array(LogSourceSpec).min(1),
  z.strictObject({
    ...GateKeys,
    sources: z.array(LogSourceSpec).min(1),
    max: LogThresholdsSpec.optional(),
    blocking: z.boolean().optional().describe('default true'),
    excerpts: z.number().int().min(0).max(50).optional().describe('excerpts kept in the result (default 5)'),
  }),
]);

export type LogSource = z.output<typeof LogSourceSpec>;
export type LogsConfig = z.output<typeof LogsSpec>;
