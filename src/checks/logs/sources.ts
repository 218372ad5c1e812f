/**
 * Reading the log sources of the `logs` check for the run's window: the service's own
 * output (this run's service.log), files (what was appended since the run started) and
 * commands (e.g. `journalctl -u shop --since '{since}'`).
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LogSource } from '../../plan/schema-logs.js';
import { runCommand } from '../../process/process.js';
import type { LogLine } from './scan.js';
import { linesInWindow, readWindow, type TimeWindow } from './window.js';

/** What the check knows from the run's start: when it began, and the size of each log file. */
export interface LogsBaseline {
  startedAt: Date;
  sizes: Map<string, number | null>;
}

/** The lines of one source inside the window, or why there are none. */
export interface SourceLines {
  label: string;
  lines: LogLine[];
  /** Set when the source had nothing to read (no file yet, service not started here). */
  note?: string;
  /** Set when a command source failed: the check cannot vouch for those logs. */
  failed?: boolean;
}

const COMMAND_TIMEOUT_MS = 60_000;

/** A file source's path: `${VAR}` from the environment, relative to the plan's directory. */
export function resolveLogFile(file: string, planDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const expanded = file.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => {
    return env[(a ?? b) as string] ?? '';
  });
  return path.resolve(planDir, expanded);
}

/** Record the start of the run and the size of every log file (called when the run starts). */
export function takeLogsBaseline(sources: readonly LogSource[], planDir: string): LogsBaseline {
  const sizes = new Map<string, number | null>();
  for (const source of sources) {
    if (typeof source === 'string' || !('file' in source)) continue;
    const file = resolveLogFile(source.file, planDir);
    try {
      sizes.set(file, statSync(file).size);
    } catch {
      sizes.set(file, null);
    }
  }
  return { startedAt: new Date(), sizes };
}

/** Options of `readSource`. */
export interface ReadSourceOptions {
  planDir: string;
  baseline: LogsBaseline;
  window: TimeWindow;
  /** The service's log file in this run; null when preflight did not start the service. */
  serviceLog: string | null;
  signal: AbortSignal;
}

/** Read one source's lines inside the run's window. */
export async function readSource(source: LogSource, o: ReadSourceOptions): Promise<SourceLines> {
  if (source === 'service') return readServiceLog(o.serviceLog);
  if ('file' in source) {
    const file = resolveLogFile(source.file, o.planDir);
    const label = path.relative(o.planDir, file).startsWith('..') ? file : path.relative(o.planDir, file);
    const read = await readWindow(file, o.baseline.sizes.get(file) ?? null, o.window);
    if (!read) return { label, lines: [], note: `${label} does not exist` };
    return { label, lines: read.lines };
  }
  return readCommandSource(source.command, o);
}

async function readServiceLog(file: string | null): Promise<SourceLines> {
  if (!file)
    return {
      label: 'service',
      lines: [],
      note: 'the service was not started by preflight: its output is not here',
    };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { label: 'service', lines: [], note: 'the service wrote no output' };
  }
  // The file belongs to this run: every line is inside the window.
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return {
    label: 'service',
    lines: lines.map((t, i) => ({ text: t, line: i + 1 })).filter((l) => l.text !== ''),
  };
}

async function readCommandSource(template: string, o: ReadSourceOptions): Promise<SourceLines> {
  const since = o.baseline.startedAt;
  const command = template
    .replaceAll('{since}', `${since.toISOString().slice(0, 19).replace('T', ' ')} UTC`)
    .replaceAll('{since_epoch}', String(Math.floor(since.getTime() / 1000)));
  const label = `\`${template}\``;
  const outcome = await runCommand(command, {
    cwd: o.planDir,
    env: process.env,
    timeoutMs: COMMAND_TIMEOUT_MS,
    signal: o.signal,
    tailLimit: 8 * 1024 * 1024,
  });
  if (outcome.exit_code !== 0) {
    const why = outcome.timed_out ? 'timed out' : `exited ${outcome.exit_code ?? outcome.signal}`;
    return { label, lines: [], note: `${label} ${why}`, failed: true };
  }
  return { label, lines: linesInWindow(outcome.output, o.window, true, 1) };
}
