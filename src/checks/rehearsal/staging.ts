/**
 * Staging as the rehearsal sees it: its URL, the environment and working directory of its
 * commands, running one of them (deploy, rollback, current, restore, stop) in its own
 * process group, and waiting until staging answers its ready endpoint.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { toMs } from '../../plan/duration.js';
import type { StagingConfig } from '../../plan/schema.js';
import { renderTemplate } from '../../plan/template.js';
import { type CommandOutcome, runCommand } from '../../process/process.js';
import { freePort, startService } from '../../process/service.js';
import { resolveLogFile } from '../logs/sources.js';
import type { CommandRun } from '../result.js';
import type { CheckContext } from '../types.js';

/** Everything the phases need to reach staging. */
export interface Staging {
  config: StagingConfig;
  ctx: CheckContext;
  url: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Staging's log file, when the plan names one. */
  logFile: string | null;
  /**
   * Stoppers of the process groups of staging commands whose background children still run
   * (a deploy's `nohup app &`): they keep running until the rehearsal ends (stopLingering).
   */
  lingering: (() => Promise<void>)[];
}

/** A staging command could not tell what it had to (the rehearsal cannot go on). */
export class StagingError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'StagingError';
    this.code = code;
  }
}

const TAIL_LINES = 30;
const CURRENT_TIMEOUT_MS = 30_000;

/** Resolve staging's URL and the commands' environment; `{port}` becomes one free port. */
export async function openStaging(config: StagingConfig, ctx: CheckContext): Promise<Staging> {
  const raw = [config.url ?? '', ...Object.values(config.env ?? {})];
  const port = raw.some((v) => v.includes('{port}')) ? String(await freePort()) : '';
  // {port} is filled in the plan's text only, never inside a substituted value.
  const options = { placeholders: { port } };
  const scope = ctx.scope('');
  const url = String(renderTemplate(config.url ?? '', scope, options)).replace(/\/$/, '');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(config.env ?? {})) {
    const rendered = String(renderTemplate(value, scope, options));
    ctx.redactor.addNamed(key, rendered);
    env[key] = rendered;
  }
  const cwd = path.resolve(ctx.loaded.dir, config.cwd ?? '.');
  const logFile = config.log ? resolveLogFile(config.log, cwd, env) : null;
  return { config, ctx, url, env, cwd, logFile, lingering: [] };
}

/** A staging command's run, as recorded, and what it printed. */
export interface StagingCommand {
  run: CommandRun;
  outcome: CommandOutcome;
}

/** Run a staging command with `{ref}` / `{release}` filled in; bounded by command_timeout. */
export async function runStagingCommand(
  staging: Staging,
  template: string,
  options: { ref?: string; release?: string; signal: AbortSignal; timeoutMs?: number },
): Promise<StagingCommand> {
  const command = template
    .replaceAll('{ref}', shellQuote(options.ref ?? ''))
    .replaceAll('{release}', shellQuote(options.release ?? ''));
  const outcome = await runCommand(command, {
    cwd: staging.cwd,
    env: staging.env,
    // Staging's service, started by a deploy, is meant to keep running: in a session of its own
    // (setsid, a service manager) as long as staging does; in the command's process group
    // (`nohup app &`) until the rehearsal ends.
    mayOutlive: true,
    keepGroup: (stop) => staging.lingering.push(stop),
    timeoutMs: options.timeoutMs ?? toMs(staging.config.command_timeout),
    signal: options.signal,
  });
  const redact = (s: string): string => staging.ctx.redactor.redact(s);
  const run: CommandRun = {
    command: redact(command),
    cwd: path.relative(staging.ctx.loaded.dir, staging.cwd) || '.',
    exit_code: outcome.exit_code,
    signal: outcome.signal,
    duration_ms: outcome.duration_ms,
    timed_out: outcome.timed_out,
    output_tail: redact(
      outcome.output
        .split('\n')
        .slice(-TAIL_LINES - 1)
        .join('\n'),
    ),
  };
  return { run, outcome };
}

/**
 * Stop what staging commands left running in their own process groups (`nohup app &`): once
 * the rehearsal is over, after staging's `stop` command, so that nothing outlives preflight.
 */
export async function stopLingering(staging: Staging): Promise<void> {
  const stoppers = staging.lingering.splice(0);
  await Promise.all(stoppers.map((stop) => stop().catch(() => undefined)));
}

/** The release staging is on (its `current` command); null when none, or no command. */
export async function currentRelease(staging: Staging, signal: AbortSignal): Promise<string | null> {
  const template = staging.config.current;
  if (!template) return null;
  const { run, outcome } = await runStagingCommand(staging, template, {
    signal,
    timeoutMs: CURRENT_TIMEOUT_MS,
  });
  if (outcome.exit_code !== 0) {
    throw new StagingError(
      'STAGING_CURRENT_FAILED',
      `\`${run.command}\` exited ${outcome.exit_code ?? outcome.signal}: ${lastLine(run.output_tail)}`,
    );
  }
  const line = lastLine(outcome.output);
  return line === '' ? null : line;
}

/** Wait until staging's ready endpoint answers 2xx; ms from `startedAt`, or why not. */
export async function waitHealthy(
  staging: Staging,
  startedAt: number,
  signal: AbortSignal,
): Promise<{ ok: true; ms: number } | { ok: false; message: string }> {
  const dispatcher = new Agent({ keepAliveTimeout: 1000 });
  try {
    await startService({
      config: {
        ...staging.ctx.loaded.plan.service,
        ready: staging.config.ready,
        ready_timeout: staging.config.ready_timeout,
      },
      planDir: staging.ctx.loaded.dir,
      logFile: '',
      env: {},
      baseUrl: staging.url,
      signal,
      dispatcher,
    });
    return { ok: true, ms: round(performance.now() - startedAt) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  } finally {
    await dispatcher.close().catch(() => {});
  }
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim().slice(0, 300) ?? '';
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._/:=@%+^~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
