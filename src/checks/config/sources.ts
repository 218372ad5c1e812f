/**
 * Reading a configuration source: a dotenv file, or the output of a command that prints the
 * effective settings (dotenv lines or one JSON object). Values are kept in memory only;
 * nothing here prints or returns them in an error.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { ConfigSource } from '../../plan/schema-staging.js';
import { runCommand } from '../../process/process.js';

/** The settings of one side (staging or production). */
export interface ConfigValues {
  /** How the source is named in findings: the file (relative to the plan) or the command. */
  label: string;
  values: Map<string, string>;
  /** Line of each key, for a file source. */
  lines: Map<string, number>;
}

/** A source could not be read; the message never contains a value. */
export class ConfigSourceError extends Error {
  readonly code = 'CONFIG_SOURCE';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ConfigSourceError';
  }
}

const COMMAND_TIMEOUT_MS = 60_000;

/** Read a configuration source relative to the plan's directory. */
export async function readConfigSource(
  source: ConfigSource,
  options: { planDir: string; signal: AbortSignal },
): Promise<ConfigValues> {
  if (typeof source === 'string' || 'file' in source) {
    const file = typeof source === 'string' ? source : source.file;
    return readDotenvFile(path.resolve(options.planDir, file), file);
  }
  return readCommand(source.command, options);
}

async function readDotenvFile(full: string, label: string): Promise<ConfigValues> {
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new ConfigSourceError(
      `cannot read ${label}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      error,
    );
  }
  return { label, values: toMap(parseEnv(text)), lines: keyLines(text) };
}

async function readCommand(
  command: string,
  options: { planDir: string; signal: AbortSignal },
): Promise<ConfigValues> {
  const label = `\`${command}\``;
  const outcome = await runCommand(command, {
    cwd: options.planDir,
    env: process.env,
    timeoutMs: COMMAND_TIMEOUT_MS,
    signal: options.signal,
    tailLimit: 1024 * 1024,
  });
  if (outcome.timed_out)
    throw new ConfigSourceError(`${label} did not finish within ${COMMAND_TIMEOUT_MS / 1000} s`);
  // The output holds the values, so only the exit status is reported.
  if (outcome.exit_code !== 0)
    throw new ConfigSourceError(
      `${label} exited ${outcome.exit_code ?? outcome.signal} (its output is not shown)`,
    );
  return { label, values: parseSettings(outcome.output, label), lines: new Map() };
}

/** Settings printed by a command: one JSON object, or dotenv lines. */
export function parseSettings(output: string, label: string): Map<string, string> {
  const text = output.trim();
  if (!text.startsWith('{')) return toMap(parseEnv(text));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigSourceError(`${label} printed text that starts with "{" but is not JSON`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ConfigSourceError(`${label} printed JSON that is not an object`);
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    out.set(key, typeof value === 'string' ? value : value === null ? '' : JSON.stringify(value));
  }
  return out;
}

function toMap(record: Record<string, string | undefined>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(record)) out.set(key, value ?? '');
  return out;
}

/** The line where each key is set (the last one wins, as in the parser). */
function keyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (m) out.set(m[1] as string, index + 1);
  });
  return out;
}
