/**
 * The `logs` check: ERROR, CRITICAL and Traceback lines that the service's own output, log
 * files and log commands gained during the run, against the plan's thresholds. It runs
 * after `paths` (when the run has it) so that it sees the traffic of the critical paths.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogSource, LogsConfig } from '../../plan/schema-logs.js';
import type { Finding } from '../../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { type LogCounts, type LogEvent, scanLog } from './scan.js';
import { scrubLogLine } from './scrub.js';
import { type LogsBaseline, readSource, type SourceLines, takeLogsBaseline } from './sources.js';

/** The `logs` section with its defaults filled in. */
export interface LogsSettings {
  sources: LogSource[];
  max: { error: number; critical: number; traceback: number };
  blocking: boolean;
  excerpts: number;
}

/** Fill in the defaults of the `logs` section (short form: a list of sources). */
export function logsSettings(config: LogsConfig): LogsSettings {
  const full = Array.isArray(config) ? { sources: config } : config;
  return {
    sources: full.sources,
    max: { error: 0, critical: 0, traceback: 0, ...('max' in full ? full.max : {}) },
    blocking: ('blocking' in full ? full.blocking : undefined) ?? true,
    excerpts: ('excerpts' in full ? full.excerpts : undefined) ?? 5,
  };
}

/** Build the `logs` check. Call it when the run starts: it records the size of each log file. */
export function defineLogsCheck(
  config: LogsConfig,
  options: { planDir: string; after: string[] },
): CheckDefinition {
  const settings = logsSettings(config);
  const baseline = takeLogsBaseline(settings.sources, options.planDir);
  return {
    id: 'logs',
    kind: 'logs',
    blocking: settings.blocking,
    needs: [],
    after: options.after,
    timeoutMs: 120_000,
    run: (ctx) => runLogsCheck(settings, baseline, ctx),
  };
}

/** Time for the last lines the service wrote to reach its log file. */
const SETTLE_MS = 300;
const EXCERPT_LINES = 25;

async function runLogsCheck(
  settings: LogsSettings,
  baseline: LogsBaseline,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const wantsService = settings.sources.includes('service');
  const serviceLog = wantsService ? (await ctx.service()).logFile : null;
  await sleep(SETTLE_MS);
  const window = { start: baseline.startedAt, end: new Date() };
  const options = { planDir: ctx.loaded.dir, baseline, window, serviceLog, signal: ctx.signal };
  const read = await Promise.all(settings.sources.map((source) => readSource(source, options)));
  const total: LogCounts = { error: 0, critical: 0, traceback: 0, lines: 0 };
  const events: { source: SourceLines; event: LogEvent }[] = [];
  for (const source of read) {
    const { counts, events: found } = scanLog(source.lines);
    for (const key of ['error', 'critical', 'traceback', 'lines'] as const) total[key] += counts[key];
    for (const event of found) events.push({ source, event });
  }
  const over = exceeded(total, settings.max);
  const findings = events
    .slice(0, settings.excerpts)
    .map(({ source, event }) => toFinding(source.label, event, over.has(event.kind), ctx));
  return outcome({ settings, total, over, findings, read });
}

function exceeded(total: LogCounts, max: LogsSettings['max']): Set<LogEvent['kind']> {
  const out = new Set<LogEvent['kind']>();
  for (const kind of ['traceback', 'critical', 'error'] as const) if (total[kind] > max[kind]) out.add(kind);
  return out;
}

function toFinding(label: string, event: LogEvent, overLimit: boolean, ctx: CheckContext): Finding {
  const clean = (text: string): string => ctx.redactor.redact(scrubLogLine(text));
  const lines =
    event.lines.length > EXCERPT_LINES ? [...event.lines.slice(0, EXCERPT_LINES - 1), '…'] : event.lines;
  return {
    rule: `log-${event.kind}`,
    message: clean(event.headline).slice(0, 300),
    severity: overLimit ? 'error' : 'warning',
    file: label,
    ...(event.line !== null ? { line: event.line } : {}),
    excerpt: lines.map(clean).join('\n'),
  };
}

interface OutcomeInput {
  settings: LogsSettings;
  total: LogCounts;
  over: Set<LogEvent['kind']>;
  findings: Finding[];
  read: SourceLines[];
}

function outcome({ settings, total, over, findings, read }: OutcomeInput): CheckOutcome {
  const labels = read.map((s) => s.label).join(', ');
  const notes = read.filter((s) => s.note).map((s) => s.note as string);
  const noteText = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  const failed = read.find((s) => s.failed);
  if (failed) {
    const message = `could not read the logs of ${failed.label}: ${failed.note}`;
    return { status: 'error', summary: message, error: { code: 'LOGS_SOURCE_FAILED', message }, findings };
  }
  const counts = `${total.traceback} Traceback, ${total.critical} CRITICAL, ${total.error} ERROR in ${total.lines} lines of ${labels}`;
  if (over.size === 0)
    return { status: 'pass', summary: `${counts} (within the limits)${noteText}`, findings };
  const limits = [...over].map((k) => `${k} ${total[k]} > ${settings.max[k]}`).join(', ');
  const first = findings.find((f) => f.severity === 'error');
  const firstText = first
    ? `; first: ${first.file}${first.line ? `:${first.line}` : ''} ${first.message}`
    : '';
  return {
    status: 'fail',
    summary: `${counts} (over the limit: ${limits})${firstText}${noteText}`,
    findings,
  };
}
