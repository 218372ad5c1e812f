/**
 * The GitHub Actions reporter (active when `GITHUB_ACTIONS=true`): `::error file=…,line=…::`
 * annotations for failures that have a location (lint findings, failed tests, failed steps
 * at their line in the plan), and a Markdown job summary appended to `$GITHUB_STEP_SUMMARY`.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { failedPathSections, pathsSection } from '../checks/paths/report-record.js';
import type { PathResult, StepResult } from '../checks/paths/result.js';
import type { CheckResult, Finding } from '../checks/result.js';
import { mdText } from '../render/markdown.js';
import type { RunResult } from '../run/result.js';
import { verdictLabel } from '../run/verdict.js';
import type { Redactor } from '../secrets/redactor.js';
import { checksSection } from './record-sections.js';
import type { Reporter } from './reporter.js';

/** Where the GitHub reporter writes, and what it knows of the job. */
export interface GithubOptions {
  env: NodeJS.ProcessEnv;
  /** Annotations go to the job's log (stdout). */
  write: (text: string) => void;
  redactor: Redactor;
  /** The working directory the result's relative paths start from (default `process.cwd()`). */
  cwd?: string;
}

/** Whether the run is a GitHub Actions job. */
export function isGithubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** A reporter that annotates failures and writes the job summary. */
export function createGithubReporter(options: GithubOptions): Reporter {
  return {
    name: 'github',
    async onRunEnd(result: RunResult) {
      const safe = options.redactor.redactValue(result);
      const lines = githubAnnotations(safe, options);
      if (lines.length > 0) options.write(options.redactor.redact(`${lines.join('\n')}\n`));
      const summaryFile = options.env.GITHUB_STEP_SUMMARY;
      if (summaryFile) await appendFile(summaryFile, options.redactor.redact(renderJobSummary(safe)));
    },
  };
}

/** The `::error` / `::warning` workflow commands for a result. */
export function githubAnnotations(result: RunResult, options: Pick<GithubOptions, 'env' | 'cwd'>): string[] {
  const cwd = options.cwd ?? process.cwd();
  const workspace = options.env.GITHUB_WORKSPACE || cwd;
  const toRepo = (...parts: string[]): string =>
    path
      .relative(workspace, path.resolve(cwd, ...parts))
      .split(path.sep)
      .join('/');
  const planDir = path.dirname(result.plan.file);
  const out: string[] = [];
  for (const check of result.checks) {
    for (const finding of check.findings ?? []) {
      if (!finding.file) continue;
      const file = toRepo(planDir, check.command?.cwd ?? '.', finding.file);
      out.push(findingAnnotation(check, finding, file));
    }
  }
  for (const p of result.paths) {
    for (const step of p.steps) {
      if ((step.status === 'fail' || step.status === 'error') && step.source) {
        out.push(stepAnnotation(p, step, toRepo(step.source.file)));
      }
    }
  }
  if (result.verdict === 'no-go')
    out.push(command('error', { title: `preflight: ${verdictLabel(result)}` }, result.reason));
  return out;
}

function findingAnnotation(check: CheckResult, finding: Finding, file: string): string {
  const level = finding.severity === 'warning' || !check.blocking ? 'warning' : 'error';
  const props: Record<string, string | number | undefined> = {
    file,
    line: finding.line,
    col: finding.column,
    title: `preflight ${check.id}: ${finding.rule}`,
  };
  return command(level, props, finding.message);
}

function stepAnnotation(p: PathResult, step: StepResult, file: string): string {
  const source = step.source as NonNullable<StepResult['source']>;
  const why = step.failures?.map((f) => f.message) ?? [step.error?.message ?? step.status];
  const title = `preflight: critical path "${p.name}", step "${step.name}" ${step.status === 'fail' ? 'failed' : 'errored'}`;
  const message = [...why, `owner: ${p.owner}; rollback: ${p.rollback}`].join('\n');
  return command('error', { file, line: source.line, col: source.column, title }, message);
}

/** One workflow command, with GitHub's escaping of properties and data. */
function command(
  level: 'error' | 'warning',
  props: Record<string, string | number | undefined>,
  message: string,
): string {
  const given = Object.entries(props).filter(([, v]) => v !== undefined && v !== '');
  const list = given.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${level}${list ? ` ${list}` : ''}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The job summary: verdict, reason, the critical paths, failed steps, and the checks. */
export function renderJobSummary(result: RunResult): string {
  const verdict = verdictLabel(result);
  const icon = result.verdict === 'go' ? '✅' : '❌';
  const version = result.service.version ? ` ${mdText(result.service.version)}` : '';
  const blocks = [
    `## ${icon} preflight: ${mdText(result.service.name)}${version} — ${verdict}`,
    `**${verdict}**: ${mdText(result.reason)}`,
    ...pathsSection(result).map(demote),
    ...failedPathSections(result).map(demote),
    ...checksSection(result).map(demote),
  ];
  if (result.record_file) blocks.push(`Launch record: \`${result.record_file}\``);
  return `${blocks.join('\n\n')}\n\n`;
}

/** The record's sections are `##`; inside the summary's own `##` they go one level down. */
function demote(block: string): string {
  return block.replace(/^(#{2,5}) /, '#$1 ');
}
