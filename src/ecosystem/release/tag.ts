/**
 * The `tag` check (`preflight run --tag`): after every other check, and only when the verdict
 * is GO, an annotated git tag named by `release.tag` (`v{version}`) on HEAD, whose message
 * carries the verdict and the launch record's path. An existing tag is never moved.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult, CommandRun } from '../../checks/result.js';
import { runCommand } from '../../process/process.js';
import { listUncommitted } from '../../run/git.js';
import type { RunResult } from '../../run/result.js';
import { listSkips, verdictLabel } from '../../run/verdict.js';

/** What the tag step needs besides the result. */
export interface TagOptions {
  /** `release.tag` of the plan (default `v{version}`). */
  pattern: string;
  /** The version: `--tag VERSION`, else the plan's `service.version`, else pyproject.toml's. */
  version: string | undefined;
  /** The plan's directory: git runs there. */
  dir: string;
  /** The launch record this run writes (relative), named in the tag message. */
  recordFile: string | undefined;
  /** Also `git push origin refs/tags/NAME`. */
  push: boolean;
  /** preflight's own outputs next to the plan: not uncommitted changes of the release. */
  ownPaths?: string[];
  signal?: AbortSignal;
}

type Outcome = Pick<CheckResult, 'status' | 'summary'> &
  Partial<Pick<CheckResult, 'error' | 'command' | 'skip_reason'>>;

/** Run the tag step for a finished run; returns the `tag` check's result. Never throws. */
export async function runTagCheck(result: RunResult, options: TagOptions): Promise<CheckResult> {
  const started = performance.now();
  const outcome = await tagOutcome(result, options).catch(
    (error: unknown): Outcome =>
      errored('TAG_FAILED', error instanceof Error ? error.message : String(error)),
  );
  return {
    id: 'tag',
    kind: 'tag',
    blocking: true,
    duration_ms: Math.round((performance.now() - started) * 100) / 100,
    ...outcome,
  };
}

async function tagOutcome(result: RunResult, options: TagOptions): Promise<Outcome> {
  if (result.verdict !== 'go') {
    const reason = `the verdict is ${verdictLabel(result)}: a release is tagged only on GO`;
    return { status: 'skip', summary: reason, skip_reason: reason };
  }
  const incomplete = whyNotComplete(result);
  if (incomplete) return errored('TAG_INCOMPLETE_RUN', incomplete);
  if (!options.version) {
    return errored(
      'TAG_NO_VERSION',
      'no version to tag: pass --tag VERSION, or set service.version in the plan',
    );
  }
  const name = tagName(options.pattern, options.version);
  const git = (args: string[]) => gitRun(args, options);
  const top = await git(['rev-parse', '--show-toplevel']);
  if (top.exit_code !== 0)
    return errored('TAG_NOT_A_REPO', `${options.dir} is not in a git repository: nothing to tag`, top);
  const existing = await git(['rev-parse', '-q', '--verify', `refs/tags/${name}^{}`]);
  if (existing.exit_code === 0) {
    const at = existing.output_tail.trim().slice(0, 12);
    return fail(
      `tag ${name} already exists (at ${at}); preflight never moves a tag: release another version`,
      existing,
    );
  }
  const head = await git(['rev-parse', 'HEAD']);
  const tested = result.git?.commit ?? null;
  if (head.exit_code === 0 && tested && head.output_tail.trim() !== tested)
    return fail(
      `HEAD is ${head.output_tail.trim().slice(0, 12)} but the run tested ${tested.slice(0, 12)}: tag ${name} would not mark what was checked`,
      head,
    );
  const uncommitted = (await listUncommitted(options.dir, { ownPaths: options.ownPaths ?? [] })) ?? [];
  if (uncommitted.length > 0 || result.git?.dirty) {
    const files = uncommitted.length > 0 ? uncommitted : (result.git?.uncommitted ?? []);
    return fail(
      `the working tree has uncommitted changes (${describeFiles(files)}): tag ${name} on HEAD would not mark what was checked; commit them, or ignore them in .gitignore`,
      head,
    );
  }
  const tagged = await git(['tag', '-a', name, '-m', tagMessage(result, name, options.recordFile)]);
  if (tagged.exit_code !== 0)
    return errored('TAG_FAILED', `git tag ${name} failed: ${lastLine(tagged)}`, tagged);
  if (!options.push)
    return { status: 'pass', summary: `tagged ${name} (annotated, not pushed)`, command: tagged };
  const pushed = await git(['push', 'origin', `refs/tags/${name}`]);
  if (pushed.exit_code !== 0)
    return fail(`tagged ${name}, but git push origin failed: ${lastLine(pushed)}`, pushed);
  return { status: 'pass', summary: `tagged ${name} and pushed it to origin`, command: pushed };
}

/**
 * Why a GO result is not one a release may be tagged on: a shard (tag after `preflight merge`)
 * or a skip the plan does not allow. `--only` is refused before the run starts.
 */
export function whyNotComplete(result: RunResult): string | null {
  if (result.shard)
    return `this run is shard ${result.shard.index}/${result.shard.total} of the critical paths: tag after \`preflight merge\` joins every shard`;
  const skipped = listSkips(result.checks).filter((s) => !s.allowed);
  if (skipped.length > 0)
    return `${skipped.map((s) => s.id).join(', ')} skipped without the plan's permission: a release is tagged only on a complete run`;
  return null;
}

/**
 * The tag's name: `release.tag` with `{version}` filled in, or the version itself when it is
 * already a whole tag name of that pattern (`--tag v9.9.9` with `v{version}` is `v9.9.9`).
 */
export function tagName(pattern: string, version: string): string {
  if (!pattern.includes('{version}')) return pattern;
  const [before = '', after = ''] = pattern.split('{version}');
  const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if ((before || after) && new RegExp(`^${literal(before)}.+${literal(after)}$`).test(version))
    return version;
  return pattern.replaceAll('{version}', version);
}

function describeFiles(files: string[]): string {
  const shown = files.slice(0, 5).join(', ');
  return files.length > 5 ? `${shown}, … ${files.length - 5} more` : shown;
}

/** The tag message: the launch record's verdict line, the run, the checks and the skips. */
export function tagMessage(result: RunResult, name: string, recordFile: string | undefined): string {
  const checks = result.checks.map((c) => `  ${c.id}: ${c.status}${c.blocking ? '' : ' (advisory)'}`);
  const skips = listSkips(result.checks).map((s) => `  ${s.id}: ${s.reason}`);
  const paths = result.paths.map((p) => `  ${p.name} (owner ${p.owner}): ${p.status}`);
  return [
    `${name}: preflight GO for ${result.service.name}`,
    '',
    `Verdict: ${verdictLabel(result)} (${result.reason})`,
    `Launch record: ${recordFile ?? 'not written (run with --record to keep one)'}`,
    `Run: ${result.run_id}, plan ${result.plan.file} (${result.plan.hash}), commit ${result.git?.commit ?? 'unknown'}`,
    '',
    'Checks:',
    ...checks,
    ...(skips.length > 0 ? ['', 'Skipped as the plan allows:', ...skips] : []),
    ...(paths.length > 0 ? ['', 'Critical paths:', ...paths] : []),
    '',
  ].join('\n');
}

/** The version from pyproject.toml (`[project]` or `[tool.poetry]`), when there is one. */
export async function pyprojectVersion(dir: string): Promise<string | undefined> {
  const text = await readFile(path.join(dir, 'pyproject.toml'), 'utf8').catch(() => '');
  const section = /^\[(project|tool\.poetry)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text);
  return section ? /^version\s*=\s*["']([^"']+)["']/m.exec(section[2] ?? '')?.[1] : undefined;
}

async function gitRun(args: string[], options: TagOptions): Promise<CommandRun> {
  const command = ['git', ...args].map(shellQuote).join(' ');
  const out = await runCommand(command, {
    cwd: options.dir,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    timeoutMs: 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // The message is long and already in the tag; the record shows the command, not the text.
  const shown = args[0] === 'tag' ? `git tag -a ${args[2]} -m <message>` : command;
  return {
    command: shown,
    cwd: '.',
    exit_code: out.exit_code,
    signal: out.signal,
    duration_ms: out.duration_ms,
    timed_out: out.timed_out,
    output_tail: out.output.split('\n').slice(-20).join('\n'),
  };
}

function fail(summary: string, command: CommandRun): Outcome {
  return { status: 'fail', summary, command };
}

function errored(code: string, message: string, command?: CommandRun): Outcome {
  return { status: 'error', summary: message, error: { code, message }, ...(command ? { command } : {}) };
}

function lastLine(run: CommandRun): string {
  return run.output_tail.trim().split('\n').pop() ?? `exit ${run.exit_code}`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._/:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
