/**
 * The `logs` check: ERROR, CRITICAL and Traceback lines that the service's own output, log
 * files and log commands gained during the run, against the plan's thresholds. It runs
 * after `paths` (when the run has it) so that it sees the traffic of the critical paths.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogSource, LogsConfig } from '../../plan/schema-logs.js';
import type { Finding } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { type LogCounts, type LogEvent, scanLog } from './scan.js';
import { scrubLogLine } from './scrub.js';
import { type LogsBaseline, readSource, type SourceLines, takeLogsBaseline } from './sources.js';
import { excerptLines } from './traceback.js';
import { eventTime } from './window.js';

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
/** Lines before a traceback kept to link it to its request (an access log line, a request id). */
const CONTEXT_LINES = 3;

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
    .map(({ source, event }) => toFinding(source, event, over.has(event.kind), ctx));
  return outcome({ settings, total, over, findings, read });
}

function exceeded(total: LogCounts, max: LogsSettings['max']): Set<LogEvent['kind']> {
  const out = new Set<LogEvent['kind']>();
  for (const kind of ['traceback', 'critical', 'error'] as const) if (total[kind] > max[kind]) out.add(kind);
  return out;
}

function toFinding(source: SourceLines, event: LogEvent, overLimit: boolean, ctx: CheckContext): Finding {
  const clean = (text: string): string => ctx.redactor.redact(scrubLogLine(text));
  const finding: Finding = {
    rule: `log-${event.kind}`,
    message: clean(event.headline).slice(0, 300),
    severity: overLimit ? 'error' : 'warning',
    file: source.label,
    ...(event.line !== null ? { line: event.line } : {}),
    excerpt: excerptLines(event.lines).map(clean).join('\n'),
  };
  if (event.kind !== 'traceback') return finding;
  // What links a traceback to the request that caused it: when it was logged, and the lines before it.
  const when = eventTime(source.lines, event);
  const context = source.lines.slice(Math.max(0, event.index - CONTEXT_LINES), event.index);
  return {
    ...finding,
    ...(when ? { logged_at: when.toISOString() } : {}),
    ...(context.length > 0 ? { log_context: context.map((l) => clean(l.text)) } : {}),
  };
}

interface OutcomeInput {
  settings: LogsSettings;
  total: LogCounts;
  over: Set<LogEvent['kind']>;
  findings: Finding[];
  read: SourceLines[];
}

function outcome(input: OutcomeInput): CheckOutcome {
  const read = input.read.filter((s) => !s.failed).length;
  const coverage = [{ what: 'log sources read', covered: read, asked: input.settings.sources.length }];
  return { ...judge(input), coverage };
}

function judge({ settings, total, over, findings, read }: OutcomeInput): CheckOutcome {
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
  // A traceback's exception line says more than the ERROR line it is printed under.
  const overLimit = findings.filter((f) => f.severity === 'error');
  const first = overLimit.find((f) => f.rule === 'log-traceback') ?? overLimit[0];
  const firstText = first
    ? `; first: ${first.file}${first.line ? `:${first.line}` : ''} ${first.message}`
    : '';
  return {
    status: 'fail',
    summary: `${counts} (over the limit: ${limits})${firstText}${noteText}`,
    findings,
  };
}
