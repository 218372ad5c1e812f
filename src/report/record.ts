/**
 * The launch record: a Markdown file, one per recorded run, meant to be committed and read
 * by another developer. It says what was decided and why, who owns what, what ran, and how
 * to repeat it. Drawn from the result; nothing is recomputed.
 */
import { join } from 'node:path';
import { loadKindReports } from '../checks/registry.js';
import { type KindPlace, type KindReports, kindViews, sectionsAt } from '../checks/report.js';
import { formatDuration } from '../render/format.js';
import { mdCode, mdText } from '../render/markdown.js';
import type { RunResult } from '../run/result.js';
import { verdictLabel } from '../run/verdict.js';
import type { Redactor } from '../secrets/redactor.js';
import { repeatSection } from './record-repeat.js';
import { checksSection, commandsSection, findingsSection } from './record-sections.js';
import { writeFileRedacted } from './sink.js';

/**
 * The Markdown launch record of a result, with the sections of its kinds (`loadKindReports`).
 * Redact the result first (`writeRecord` does).
 */
export function renderRecord(result: RunResult, kinds: KindReports): string {
  const blocks = [
    ...titleSection(result),
    ...summarySection(result),
    ...kindSections(result, kinds, 'lead'),
    ...checksSection(result),
    ...commandsSection(result),
    ...findingsSection(result),
    ...kindSections(result, kinds, 'main'),
    ...kindSections(result, kinds, 'tail'),
    ...filesSection(result),
    ...assumptionsSection(result),
    ...cleanupSection(result),
    ...repeatSection(result),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** `YYYY-MM-DD-SERVICE-VERSION-RUNIDSHORT.md`, every part limited to `[A-Za-z0-9._-]`. */
export function recordFileName(result: RunResult): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(result.started_at)?.[0] ?? 'undated';
  const parts = [
    result.service.name,
    result.service.version ?? 'unversioned',
    result.run_id.replace(/^\d{8}-/, ''),
  ];
  return `${[date, ...parts.map(sanitise)].join('-')}.md`;
}

/** Write the launch record of `result` into `dir` (created if needed), redacted; returns its path. */
export async function writeRecord(dir: string, result: RunResult, redactor: Redactor): Promise<string> {
  // Redact the values before they are escaped or cut, so every form of a secret is caught.
  const safe = redactor.redactValue(result);
  const file = join(dir, recordFileName(safe));
  await writeFileRedacted(file, renderRecord(safe, await loadKindReports(safe)), redactor);
  return file;
}

/**
 * The kinds' sections for `place`, in the kinds' order: `lead` (the critical paths, the failed
 * paths), their own (staging rehearsal, migrations, cache, query plans, metrics …), `tail` (the
 * step timings).
 */
function kindSections(result: RunResult, kinds: KindReports, place: KindPlace): string[] {
  return kindViews(kinds, result).flatMap(
    ({ report, view }) => sectionsAt(report, place).record?.(view) ?? [],
  );
}

function sanitise(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.-]+/, '') || '_';
}

function titleSection(result: RunResult): string[] {
  const verdict = verdictWord(result);
  const version = result.service.version ? ` ${mdText(result.service.version)}` : '';
  return [
    `# Launch record: ${mdText(result.service.name)}${version} — ${verdict}`,
    `**${verdict}**: ${mdText(result.reason)}`,
  ];
}

function summarySection(result: RunResult): string[] {
  const { service, git, plan } = result;
  const items = [
    `- **Verdict:** ${verdictWord(result)} (exit code ${result.exit_code})`,
    `- **Reason:** ${mdText(result.reason)}`,
    `- **Date:** ${mdText(result.started_at)} to ${mdText(result.finished_at)}`,
    `- **Run id:** ${mdCode(result.run_id)}`,
    `- **Duration:** ${formatDuration(result.duration_ms)}`,
    `- **Service:** ${mdText(service.name)}${service.version ? ` ${mdText(service.version)}` : ' (no version)'}` +
      `${service.owner ? `, owned by ${mdText(service.owner)}` : ''}${service.url ? `, at ${mdCode(service.url)}` : ''}`,
    ...gitItems(result),
    `- **Plan:** ${mdCode(plan.file)} (hash ${mdCode(plan.hash)})`,
    `- **Tool:** ${mdText(result.tool.name)} ${mdText(result.tool.version)}`,
  ];
  if (result.shard) items.push(`- **Shard:** ${result.shard.index}/${result.shard.total}`);
  if (service.ready_note) items.push(`- **Readiness:** ${mdText(service.ready_note)}`);
  if (result.service_log) items.push(`- **Service log:** ${mdCode(result.service_log)}`);
  if (!git) items.push('- **Git:** no git information was recorded');
  return ['## Summary', items.join('\n')];
}

function gitItems(result: RunResult): string[] {
  const git = result.git;
  if (!git) return [];
  return [
    `- **Git commit:** ${git.commit ? mdCode(git.commit) : 'unknown'}`,
    `- **Git branch:** ${git.branch ? mdCode(git.branch) : 'none (detached)'}`,
    `- **Git describe:** ${git.describe ? mdCode(git.describe) : 'none'}`,
    `- **Working tree:** ${workingTree(git)}`,
  ];
}

/** The repository's state, in the scope of `describe` and the version label: the whole repository. */
function workingTree(git: NonNullable<RunResult['git']>): string {
  const where =
    git.plan_dir === '.'
      ? 'the plan is at the repository root'
      : `the plan is in ${mdCode(`${git.plan_dir}/`)}`;
  if (!git.dirty) return `clean (the whole repository, untracked files included; ${where})`;
  const shown = git.uncommitted.slice(0, 10).map(mdCode).join(', ');
  const more = git.uncommitted.length > 10 ? `, … ${git.uncommitted.length - 10} more` : '';
  return `dirty: ${git.uncommitted.length} uncommitted file${git.uncommitted.length === 1 ? '' : 's'} in the repository were part of this run (${shown}${more}); ${where}`;
}

function filesSection(result: RunResult): string[] {
  const git = result.git;
  if (!git) return ['## Files touched', 'No git information was recorded.'];
  const heading = git.last_tag ? `## Files touched since ${mdCode(git.last_tag)}` : '## Files touched';
  const blocks = [heading];
  if (git.plan_dir && git.plan_dir !== '.')
    blocks.push(`Under the plan's directory, ${mdCode(`${git.plan_dir}/`)}.`);
  if (!git.last_tag) blocks.push('No tag yet: all tracked files since the first commit.');
  const files = git.files_touched;
  blocks.push(files.length > 0 ? files.map((file) => `- ${mdCode(file)}`).join('\n') : 'None.');
  return blocks;
}

function assumptionsSection(result: RunResult): string[] {
  const items = result.assumptions.map((assumption) => `- ${mdText(assumption)}`);
  return ['## Assumptions', items.length > 0 ? items.join('\n') : 'None recorded.'];
}

function cleanupSection(result: RunResult): string[] {
  const notes = result.cleanup ?? [];
  if (notes.length === 0) return [];
  return ['## Cleaned up', notes.map((note) => `- ${mdText(note)}`).join('\n')];
}

function verdictWord(result: RunResult): string {
  return verdictLabel(result);
}
