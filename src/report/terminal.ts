/**
 * The terminal reporter. Plain mode (not a TTY, CI, NO_COLOR): one line per finished check,
 * no cursor control. Live mode (a TTY): a status line of the running checks, rewritten in
 * place, with finished checks printed above it. Both end with the summary and the verdict.
 */
import pc from 'picocolors';
import type { StepResult } from '../checks/paths/result.js';
import { loadKindReports } from '../checks/registry.js';
import type { CheckResult } from '../checks/result.js';
import { plural } from '../render/format.js';
import type { Colors } from '../render/terminal-style.js';
import type { RunResult } from '../run/result.js';
import type { Redactor } from '../secrets/redactor.js';
import type { CheckRef, Reporter, RunStartInfo } from './reporter.js';
import { createSink } from './sink.js';
import { formatCheckLine, formatStepLine } from './terminal-lines.js';
import { renderSummary } from './terminal-summary.js';

/** The part of a `NodeJS.WriteStream` the terminal reporter uses. */
export interface TerminalStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `createTerminalReporter`. */
export interface TerminalOptions {
  stream: TerminalStream;
  color: boolean;
  /** Rewrite a status line in place; honoured only when `stream.isTTY`. */
  live: boolean;
  redactor: Redactor;
  /** Print every step as it ends, and the output tail of every failed command. */
  verbose?: boolean;
}

/** Carriage return + clear the line: how the live status line is erased. */
const CLEAR_LINE = '\r\x1b[2K';
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI sequences start with ESC.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Helpers for tests and callers that compare terminal output. */
export const helpers = {
  /** `text` without ANSI escape sequences (colours, clear line). */
  stripAnsi(text: string): string {
    return text.replace(ANSI, '');
  },
};

/** Colour and live mode for `stream`, from whether it is a TTY and from CI, NO_COLOR, FORCE_COLOR, TERM. */
export function detectTerminalMode(
  stream: TerminalStream,
  env: Record<string, string | undefined> = process.env,
): { color: boolean; live: boolean } {
  const tty = stream.isTTY === true;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  const dumb = env.TERM === 'dumb';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return { color: forced || (tty && !noColor && !dumb), live: tty && !ci && !noColor && !dumb };
}

/** A reporter that shows the run on a terminal (or any stream), every write redacted. */
export function createTerminalReporter(options: TerminalOptions): Reporter {
  const { stream, redactor } = options;
  const sink = createSink({ write: (text) => void stream.write(text), redactor });
  const colors: Colors = pc.createColors(options.color);
  const live = options.live && stream.isTTY === true;
  const verbose = options.verbose === true;
  const running = new Set<string>();
  const printed = new Set<string>();
  let idWidth = 0;
  let lastStep = '';
  let statusShown = false;

  const drawStatus = (): void => {
    if (!live || running.size === 0) return;
    const ids = [...running].join(', ');
    const text = `… running ${ids}${lastStep ? ` · ${lastStep}` : ''}`;
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    sink.write(`${CLEAR_LINE}${colors.dim(text.length > width ? `${text.slice(0, width - 1)}…` : text)}`);
    statusShown = true;
  };
  const println = (lines: string[]): void => {
    if (statusShown) sink.write(CLEAR_LINE);
    statusShown = false;
    if (lines.length > 0) sink.write(`${lines.join('\n')}\n`);
    drawStatus();
  };
  const checkLine = (check: CheckResult): string => {
    idWidth = Math.max(idWidth, check.id.length);
    printed.add(check.id);
    return formatCheckLine(check, idWidth, colors);
  };

  return {
    name: 'terminal',
    onRunStart(info: RunStartInfo): void {
      idWidth = Math.max(0, ...info.checks.map((check) => check.id.length));
      const count = plural(info.checks.length, 'check');
      println([
        `${colors.bold('preflight')} ${info.service}: ${count} from ${info.planFile} ${colors.dim(`(run ${info.runId})`)}`,
      ]);
    },
    onCheckStart(check: CheckRef): void {
      running.add(check.id);
      drawStatus();
    },
    onStepEnd(path: string, step: StepResult): void {
      lastStep = `${path} › ${step.name}`;
      if (verbose) println([formatStepLine(path, redactor.redactValue(step), colors)]);
      else drawStatus();
    },
    onCheckEnd(result: CheckResult): void {
      running.delete(result.id);
      // The step shown may belong to the check that ended; the next step brings one back.
      lastStep = '';
      println([checkLine(redactor.redactValue(result))]);
    },
    async onRunEnd(result: RunResult): Promise<void> {
      running.clear();
      // Redact the values before they are cut into excerpts, so no part of a secret survives.
      const safe = redactor.redactValue(result);
      const kinds = await loadKindReports(safe);
      const missed = safe.checks.filter((check) => !printed.has(check.id)).map(checkLine);
      println([...missed, ...renderSummary(safe, { colors, verbose, kinds })]);
    },
  };
}
