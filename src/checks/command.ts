/**
 * Command checks: `lint` (ruff), `unit` (pytest + JUnit) and custom commands.
 * Each records the command, its exit code, duration and the tail of its output.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { toMs } from '../plan/duration.js';
import type { CommandCheck } from '../plan/schema.js';
import { renderTemplate } from '../plan/template.js';
import { parseJunit } from '../python/junit.js';
import { OutputParseError, parseRuffJson } from '../python/ruff.js';
import type { CommandRun } from '../result.js';
import { runCommand } from '../run/process.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from './types.js';

const TAIL_LINES = 40;

/** The kind shown for a command check: its id when well known, else by its parser. */
export function commandKind(id: string, spec: CommandCheck): string {
  if (id === 'lint' || id === 'unit') return id;
  if (spec.parse === 'ruff') return 'lint';
  if (spec.parse === 'junit') return 'unit';
  return 'command';
}

/** Build the definition of a command check from the plan. */
export function defineCommandCheck(id: string, spec: CommandCheck): CheckDefinition {
  return {
    id,
    kind: commandKind(id, spec),
    blocking: spec.blocking,
    needs: (spec.needs ?? []).filter((n) => n !== 'service'),
    timeoutMs: toMs(spec.timeout),
    run: (ctx) => runCommandCheck(id, spec, ctx),
  };
}

async function runCommandCheck(id: string, spec: CommandCheck, ctx: CheckContext): Promise<CheckOutcome> {
  const junitFile = path.join(ctx.runDir, `${id}.junit.xml`);
  const cwd = path.resolve(ctx.loaded.dir, spec.cwd ?? '.');
  const needsService = (spec.needs ?? []).includes('service');
  const service = needsService ? await ctx.service() : null;
  const scope = ctx.scope(service?.url ?? '');
  const env = renderTemplate(spec.env ?? {}, scope);
  const command = renderTemplate(spec.run, scope)
    .replaceAll('{junit}', shellQuote(path.relative(cwd, junitFile)))
    .replaceAll('{url}', service?.url ?? '');
  await rm(junitFile, { force: true });
  const outcome = await runCommand(command, {
    cwd,
    env: { ...process.env, ...env, ...(service ? { PREFLIGHT_SERVICE_URL: service.url } : {}) },
    timeoutMs: toMs(spec.timeout),
    signal: ctx.signal,
  });
  const run: CommandRun = {
    command: ctx.redactor.redact(command),
    cwd: path.relative(ctx.loaded.dir, cwd) || '.',
    exit_code: outcome.exit_code,
    signal: outcome.signal,
    duration_ms: outcome.duration_ms,
    timed_out: outcome.timed_out,
    output_tail: ctx.redactor.redact(
      outcome.output
        .split('\n')
        .slice(-TAIL_LINES - 1)
        .join('\n'),
    ),
  };
  if (outcome.cancelled)
    return { status: 'skip', summary: 'cancelled', skip_reason: 'run cancelled', command: run };
  if (outcome.timed_out) {
    return error(
      run,
      'CHECK_TIMEOUT',
      `\`${run.command}\` did not finish within ${toMs(spec.timeout) / 1000} s`,
    );
  }
  if (outcome.exit_code === 127 || outcome.exit_code === 126) {
    return error(
      run,
      'TOOL_MISSING',
      `\`${run.command}\` could not be run (exit ${outcome.exit_code}): ${lastLine(outcome.output)}`,
    );
  }
  try {
    if (spec.parse === 'ruff') return ruffOutcome(run, outcome.output, cwd);
    if (spec.parse === 'junit') return await junitOutcome(run, junitFile);
  } catch (e) {
    if (e instanceof OutputParseError)
      return error(run, e.code, `${e.message}; the command exited ${outcome.exit_code}`);
    throw e;
  }
  return outcome.exit_code === 0
    ? { status: 'pass', summary: `exit 0 in ${seconds(run.duration_ms)}`, command: run }
    : {
        status: 'fail',
        summary: `exit ${outcome.exit_code ?? outcome.signal}: ${lastLine(outcome.output)}`,
        command: run,
      };
}

function ruffOutcome(run: CommandRun, output: string, cwd: string): CheckOutcome {
  const findings = parseRuffJson(output, cwd);
  if (findings.length === 0 && run.exit_code !== 0) {
    return error(run, 'TOOL_FAILED', `ruff exited ${run.exit_code} without findings: ${lastLine(output)}`);
  }
  const first = findings[0];
  return findings.length === 0
    ? { status: 'pass', summary: 'no findings', command: run, findings }
    : {
        status: 'fail',
        summary: `${findings.length} finding${findings.length === 1 ? '' : 's'}, first ${first?.file}:${first?.line}: ${first?.rule} ${first?.message}`,
        command: run,
        findings,
      };
}

async function junitOutcome(run: CommandRun, junitFile: string): Promise<CheckOutcome> {
  let xml: string;
  try {
    xml = await readFile(junitFile, 'utf8');
  } catch {
    if (run.exit_code === 5)
      return { status: 'fail', summary: 'no tests were collected (pytest exit 5)', command: run };
    return error(
      run,
      'NO_JUNIT_REPORT',
      `no JUnit report was written (exit ${run.exit_code}); does the command pass --junitxml={junit}?`,
    );
  }
  const { counts, failures } = parseJunit(xml);
  const failed = counts.failed + counts.errors;
  if (counts.total === 0) return { status: 'fail', summary: 'no tests ran', command: run, tests: counts };
  if (failed === 0 && run.exit_code !== 0) {
    return {
      status: 'fail',
      summary: `all ${counts.total} tests passed but the command exited ${run.exit_code}`,
      command: run,
      tests: counts,
    };
  }
  const first = failures[0];
  return failed === 0
    ? {
        status: 'pass',
        summary: `${counts.passed} passed, ${counts.skipped} skipped`,
        command: run,
        tests: counts,
        findings: [],
      }
    : {
        status: 'fail',
        summary: `${failed} of ${counts.total} tests failed, first ${first?.file ?? '?'}:${first?.line ?? '?'}`,
        command: run,
        tests: counts,
        findings: failures,
      };
}

function error(run: CommandRun, code: string, message: string): CheckOutcome {
  return { status: 'error', summary: message, command: run, error: { code, message } };
}

function lastLine(output: string): string {
  return output.trim().split('\n').pop()?.slice(0, 200) ?? '';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
