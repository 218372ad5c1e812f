/**
 * The terminal reporter on stdout and the multiplexer around a command's reporters, as
 * `run`, `compare` and `merge` set them up.
 */
import { createMultiplexer, type Reporter } from '../report/reporter.js';
import { createTerminalReporter, detectTerminalMode } from '../report/terminal.js';
import type { Redactor } from '../secrets/redactor.js';

/** The terminal reporter, and whether stdout can redraw a line (for a progress bar). */
export interface StdoutTerminal {
  reporter: Reporter;
  live: boolean;
}

/** The terminal reporter on stdout: colour unless `--no-color`; live redraws only when asked for and possible. */
export function stdoutTerminal(
  flags: { color?: boolean },
  redactor: Redactor,
  options: { live?: boolean; verbose?: boolean } = {},
): StdoutTerminal {
  const mode = detectTerminalMode(process.stdout);
  const live = flags.color !== false && mode.live;
  const reporter = createTerminalReporter({
    stream: process.stdout,
    color: flags.color !== false && mode.color,
    live: options.live === true && live,
    redactor,
    verbose: options.verbose === true,
  });
  return { reporter, live };
}

/** One reporter for `reporters`: one that throws is named on stderr (redacted), and the others go on. */
export function multiplexReporters(reporters: Reporter[], redactor: Redactor): Reporter {
  return createMultiplexer(reporters, (error, name) => {
    process.stderr.write(
      `preflight: the ${name} reporter failed: ${redactor.redact((error as Error).message ?? String(error))}\n`,
    );
  });
}
