/**
 * `preflight merge`: the JSON results of the shards of one run (`--shard i/n`) joined into
 * one result: every critical path once (in plan order), one `paths` check, each other check
 * at its worst across shards, and the verdict decided again from the merged checks.
 */
import { randomBytes } from 'node:crypto';
import type { PathResult } from '../checks/paths/result.js';
import type { CheckResult, CheckStatus } from '../checks/result.js';
import { listPathNames } from '../plan/path-names.js';
import type { RunResult } from '../run/result.js';
import { decideVerdict } from '../run/verdict.js';

/** Why shard results cannot be merged. */
export class MergeError extends Error {
  readonly code = 'MERGE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** A result and the file it came from (for messages). */
export interface NamedResult {
  file: string;
  result: RunResult;
}

/** Worst first: the status a merged check takes when shards disagree. */
const SEVERITY: CheckStatus[] = ['error', 'fail', 'warn', 'pass', 'skip'];

/** Merge shard results of one plan into one result; throws MergeError when they do not fit. */
export function mergeResults(inputs: NamedResult[]): RunResult {
  if (inputs.length === 0) throw new MergeError('give at least one JSON result');
  checkCompatible(inputs);
  const first = (inputs[0] as NamedResult).result;
  const paths = mergePaths(inputs);
  const checks = mergeChecks(
    inputs.map((i) => i.result),
    paths,
  );
  const decision = decideVerdict(checks);
  const started = Math.min(...inputs.map((i) => Date.parse(i.result.started_at)));
  const finished = Math.max(...inputs.map((i) => Date.parse(i.result.finished_at)));
  const shards = inputs
    .map((i) => i.result.shard)
    .filter((s) => s !== undefined)
    .map((s) => `${s.index}/${s.total}`);
  const merged: RunResult = {
    ...first,
    run_id: `${new Date(finished).toISOString().replace(/[-:]/g, '').slice(0, 15).replace('T', '-')}-${randomBytes(3).toString('hex')}`,
    started_at: new Date(started).toISOString(),
    finished_at: new Date(finished).toISOString(),
    duration_ms: Math.max(0, finished - started),
    ...decision,
    reason:
      shards.length > 0 ? `${decision.reason} (merged from shards ${shards.join(', ')})` : decision.reason,
    checks,
    paths,
    assumptions: [...new Set(inputs.flatMap((i) => i.result.assumptions))],
    // Dirty when any shard ran on a dirty tree: a tag of the merged result must not hide it.
    git: first.git ? { ...first.git, dirty: inputs.some((i) => i.result.git?.dirty === true) } : null,
  };
  delete merged.shard;
  delete merged.record_file;
  delete merged.service_log;
  return merged;
}

function checkCompatible(inputs: NamedResult[]): void {
  const first = inputs[0] as NamedResult;
  for (const other of inputs.slice(1)) {
    if (other.result.plan.hash !== first.result.plan.hash) {
      throw new MergeError(
        `${other.file} ran another plan than ${first.file} (plan hash ${other.result.plan.hash} vs ${first.result.plan.hash})`,
      );
    }
    const a = first.result.git?.commit ?? null;
    const b = other.result.git?.commit ?? null;
    if (a !== b) throw new MergeError(`${other.file} ran commit ${b} but ${first.file} ran ${a}`);
  }
  const shards = inputs.map((i) => i.result.shard);
  if (shards.every((s) => s === undefined)) return;
  const total = shards[0]?.total;
  const seen = new Map<number, string>();
  for (const { file, result } of inputs) {
    const shard = result.shard;
    if (!shard || shard.total !== total)
      throw new MergeError(`${file} is not one of the ${total} shards of the others`);
    const twice = seen.get(shard.index);
    if (twice) throw new MergeError(`${file} and ${twice} are both shard ${shard.index}/${total}`);
    seen.set(shard.index, file);
  }
  const missing = Array.from({ length: total ?? 0 }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new MergeError(
      `shard ${missing.map((m) => `${m}/${total}`).join(', ')} missing: its critical paths did not run`,
    );
  }
}

/** Every path once, in plan order: a shard ran paths i-1, i-1+n, ... of the plan. */
function mergePaths(inputs: NamedResult[]): PathResult[] {
  const placed: { order: number; path: PathResult; file: string }[] = [];
  for (const { file, result } of inputs) {
    const total = result.shard?.total ?? 1;
    const offset = (result.shard?.index ?? 1) - 1;
    result.paths.forEach((path, i) => {
      const dup = placed.find((p) => p.path.name === path.name);
      if (dup) throw new MergeError(`critical path "${path.name}" is in both ${dup.file} and ${file}`);
      placed.push({ order: i * total + offset, path, file });
    });
  }
  return placed.sort((a, b) => a.order - b.order).map((p) => p.path);
}

/** Checks in first-seen order; `paths` rebuilt from the merged paths, others at their worst. */
function mergeChecks(results: RunResult[], paths: PathResult[]): CheckResult[] {
  const byId = new Map<string, CheckResult[]>();
  for (const check of results.flatMap((r) => r.checks))
    byId.set(check.id, [...(byId.get(check.id) ?? []), check]);
  return [...byId.entries()].map(([id, copies]) =>
    id === 'paths' ? mergePathsCheck(copies, paths) : worst(copies),
  );
}

function worst(copies: CheckResult[]): CheckResult {
  return [...copies].sort(
    (a, b) => SEVERITY.indexOf(a.status) - SEVERITY.indexOf(b.status),
  )[0] as CheckResult;
}

function mergePathsCheck(copies: CheckResult[], paths: PathResult[]): CheckResult {
  const status = worst(copies).status;
  const bad = paths.filter((p) => p.status === 'fail' || p.status === 'error');
  const n = paths.length;
  const summary =
    bad.length > 0
      ? `${bad.length} of ${n} critical paths failed: ${bad.map((p) => `${listPathNames([p.name])} (owner ${p.owner})`).join(', ')}`
      : status === 'pass'
        ? `${n} critical path${n === 1 ? '' : 's'} passed`
        : worst(copies).summary;
  const merged: CheckResult = {
    ...worst(copies),
    status,
    duration_ms: Math.max(...copies.map((c) => c.duration_ms)),
    summary: `${summary} across ${copies.length} shard${copies.length === 1 ? '' : 's'}`,
  };
  return merged;
}
