/**
 * The launch record's "How to repeat": the exact commands from the repository root (the
 * commit, `cd` into the plan's directory, the command and the flags that shaped the run), the
 * names (never the values) of the environment variables and secrets the plan reads, and the
 * baseline it was compared with.
 */
import { basename } from 'node:path';
import { mdCode, mdFence } from '../render/markdown.js';
import type { RunResult } from '../run/result.js';

/** The "How to repeat" section of a result. */
export function repeatSection(result: RunResult): string[] {
  const git = result.git;
  const commit = git?.commit;
  const invocation = result.invocation ?? {
    command: 'run',
    args: result.shard ? ['--shard', `${result.shard.index}/${result.shard.total}`] : [],
  };
  // In a repository the commands start at its root and `cd` into the plan's directory.
  const planDir = git ? git.plan_dir : null;
  const planArg = git ? basename(result.plan.file) : result.plan.file;
  const args = invocation.args.map((a) => ` ${shellQuote(a)}`).join('');
  const lines = [
    ...(commit ? [`git checkout ${shellQuote(commit)}`] : []),
    ...(planDir && planDir !== '.' ? [`cd ${shellQuote(planDir)}`] : []),
    `npx preflight ${invocation.command} --plan ${shellQuote(planArg)}${args}`,
  ];
  const blocks = ['## How to repeat'];
  if (git) blocks.push('From the root of the repository:');
  blocks.push(mdFence(lines.join('\n'), 'sh'));
  if (!commit) blocks.push('The git commit of this run is unknown.');
  if (git?.dirty)
    blocks.push('The working tree was dirty: the checked-out commit lacks the uncommitted changes.');
  blocks.push(...needsLines(result));
  const baseline = result.metrics?.baseline;
  if (baseline) {
    const how = { git: 'checked out from git', recorded: 'a recorded result', 'work-tree': 'the work tree' };
    blocks.push(
      `Baseline of the metrics: ${mdCode(baseline.resolved ?? baseline.ref)}, ${how[baseline.source]}.`,
    );
  }
  return blocks;
}

function needsLines(result: RunResult): string[] {
  const needs = result.needs;
  if (!needs) return [];
  const list = (names: string[]): string => names.map(mdCode).join(', ');
  const lines: string[] = [];
  if (needs.env.length > 0 || needs.env_optional.length > 0) {
    const optional = needs.env_optional.length
      ? `${needs.env.length ? '; ' : ''}optional (the plan has a fallback): ${list(needs.env_optional)}`
      : '';
    lines.push(`- environment variables: ${list(needs.env)}${optional}`);
  }
  if (needs.secrets.length > 0)
    lines.push(`- secrets (from the environment or the plan's \`secrets.file\`): ${list(needs.secrets)}`);
  if (lines.length === 0) return ['The plan reads no environment variable and no secret.'];
  return ['What the plan reads (set these first; their values are not recorded):', lines.join('\n')];
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9._/:=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
