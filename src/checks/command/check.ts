/**
 * Command checks: `lint` (ruff), `unit` (pytest + JUnit) and custom commands.
 * Each records the command, its exit code, duration and the tail of its output.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { toMs } from '../../plan/duration.js';
import type { CommandCheck } from '../../plan/schema.js';
import { renderTemplate } from '../../plan/template.js';
import { runCommand } from '../../process/process.js';
import { parseJunit } from '../../python/junit.js';
import { OutputParseError, parseRuffJson } from '../../python/ruff.js';
import type { CommandRun, Finding } from '../result.js';
import type { CheckContext, CheckDefinition, CheckOutcome } from '../types.js';
import { commandKind } from './kind.js';

const TAIL_LINES = 40;

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
  // {junit} and {url} are filled in the plan's text only, never inside a substituted value.
  const command = String(
    renderTemplate(spec.run, scope, {
      placeholders: { junit: shellQuote(path.relative(cwd, junitFile)), url: service?.url ?? '' },
    }),
  );
  await rm(junitFile, { force: true });
  // A parser reads the whole of stdout, from a file; the tail in the result is only for showing.
  const stdoutFile = spec.parse === 'ruff' ? path.join(ctx.runDir, `${id}.stdout`) : undefined;
  const outcome = await runCommand(command, {
    cwd,
    env: { ...process.env, ...env, ...(service ? { PREFLIGHT_SERVICE_URL: service.url } : {}) },
    timeoutMs: toMs(spec.timeout),
    signal: ctx.signal,
    ...(stdoutFile ? { stdoutFile } : {}),
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
    if (spec.parse === 'ruff' && stdoutFile) return ruffOutcome(run, await readFile(stdoutFile, 'utf8'), cwd);
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
    const cause = exitCause(run);
    return {
      ...error(run, 'TOOL_FAILED', `ruff exited ${run.exit_code} without findings: ${cause}`),
      findings: [exitCodeFinding(run, 'it reported no findings', cause, 'ruff')],
    };
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
    // Not a test but the run failed (coverage under --cov-fail-under, a plugin, a crash at exit).
    const cause = exitCause(run);
    return {
      status: 'fail',
      summary: `all ${counts.total} tests passed but ${toolName(run.command, 'the command')} exited ${run.exit_code}: ${cause}`,
      command: run,
      tests: counts,
      findings: [exitCodeFinding(run, 'every test passed', cause, 'the command')],
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

/** Lines of output kept in an `exit-code` finding. */
const EXIT_TAIL_LINES = 30;

/**
 * The finding of a command whose exit code disagrees with what its report says: the line of its
 * output that says why, and its last lines (already redacted).
 */
function exitCodeFinding(run: CommandRun, parsed: string, cause: string, tool: string): Finding {
  return {
    rule: 'exit-code',
    message: `${toolName(run.command, tool)} exited ${run.exit_code ?? run.signal} but ${parsed}: ${cause}`,
    severity: 'error',
    excerpt: run.output_tail.split('\n').slice(-EXIT_TAIL_LINES).join('\n').trimEnd(),
  };
}

/** The line of the output that says why the run failed: the last one naming a failure, else the last. */
function exitCause(run: CommandRun): string {
  const lines = run.output_tail.split('\n').filter((l) => l.trim() !== '');
  const cause = [...lines].reverse().find((l) => CAUSE.test(l) && !PYTEST_SUMMARY.test(l)) ?? lines.at(-1);
  return cause?.trim().slice(0, 300) ?? '(no output)';
}

/** A line of output that says why a run failed. */
const CAUSE = /\b(fail(ed|ure|_under)?|error|required|not reached|less than|abort(ed)?|killed)\b/i;
/** pytest's closing `==== 3 passed in 0.12s ====` line, which names no cause. */
const PYTEST_SUMMARY = /^=+ .*\b(passed|failed|error|errors)\b.* in [\d.]+s.* =+$/;

function toolName(command: string, fallback: string): string {
  if (/\bpytest\b/.test(command)) return 'pytest';
  if (/\bruff\b/.test(command)) return 'ruff';
  return fallback;
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
