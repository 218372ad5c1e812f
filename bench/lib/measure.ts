/**
 * Running a tool as a child and measuring it: wall time (spawn to exit, performance.now),
 * peak RSS and CPU time (GNU time, which reads the child's rusage when it is reaped; it
 * covers the child's own children too). Also the rounds helpers: alternating order, median.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../src/process/process.js';
import { GNU_TIME } from './tools.js';

export interface Measured {
  wallMs: number;
  peakRssMiB: number;
  cpuMs: number;
  output: string;
}

/** Thrown when a measured tool failed, with the end of its output. */
export class ToolFailedError extends Error {
  readonly code = 'BENCH_TOOL_FAILED';
}

export interface MeasureOptions {
  cwd: string;
  tmp: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Exit codes that count as success (default [0]). */
  okExitCodes?: number[];
}

let counter = 0;

/** Run `command` (a shell command line) under GNU time; throws ToolFailedError unless it exits OK. */
export async function measureCommand(command: string, o: MeasureOptions): Promise<Measured> {
  const timeFile = join(o.tmp, `time-${process.pid}-${counter++}.txt`);
  const outcome = await runCommand(`${GNU_TIME} -o ${timeFile} -f '%M %U %S' ${command}`, {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    timeoutMs: o.timeoutMs ?? 300_000,
    tailLimit: 256 * 1024,
  });
  if (!(o.okExitCodes ?? [0]).includes(outcome.exit_code ?? -1)) {
    const why = outcome.timed_out ? 'timed out' : `exited ${outcome.exit_code ?? outcome.signal}`;
    throw new ToolFailedError(`${command} ${why}:\n${outcome.output.split('\n').slice(-15).join('\n')}`);
  }
  // GNU time writes "Command exited with non-zero status" first when it did; take the last line.
  const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
  rmSync(timeFile, { force: true });
  const [rssKiB, user, system] = last.split(' ').map(Number);
  return {
    wallMs: outcome.duration_ms,
    peakRssMiB: (rssKiB ?? Number.NaN) / 1024,
    cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000,
    output: outcome.output,
  };
}

/** Round r's order of the tools: A B C, then C B A, then A B C, ... */
export function roundOrder<T>(tools: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...tools] : [...tools].reverse();
}

/** Run `measure` for every tool in alternating order over `rounds` rounds; each tool's results in round order. */
export async function alternate<T extends string, R>(
  tools: readonly T[],
  rounds: number,
  measure: (tool: T, round: number) => Promise<R>,
): Promise<Map<T, R[]>> {
  const results = new Map<T, R[]>(tools.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    for (const tool of roundOrder(tools, round)) results.get(tool)?.push(await measure(tool, round));
  }
  return results;
}

/** The median (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Each tool's median over its rounds of `pick(result)`. */
export function medians<T extends string, R>(
  tools: readonly T[],
  results: Map<T, R[]>,
  pick: (r: R) => number,
): Record<T, number> {
  return Object.fromEntries(tools.map((t) => [t, median((results.get(t) ?? []).map(pick))])) as Record<
    T,
    number
  >;
}

/**
 * The median over rounds of pick(a) / pick(b): each round's tools ran next to each other,
 * so a ratio within a round cancels most of the machine's changing load.
 */
export function medianRatio<T extends string, R>(
  results: Map<T, R[]>,
  a: T,
  b: T,
  pick: (r: R) => number,
): number {
  const as = results.get(a) ?? [];
  const bs = results.get(b) ?? [];
  return median(as.map((r, i) => pick(r) / pick(bs[i] as R)));
}
