/**
 * Baseline vs candidate: per critical path (and per step) and metric, the change with its
 * confidence-sequence interval, and one of four verdicts.
 *
 * The unit of evidence is a *unit* of whole rounds (one block of each side per round, the sides
 * in counterbalanced order), enough rounds for the percentile's sample rule on each side
 * (quantile.ts): for a latency percentile, the change of a unit is the log ratio of the
 * candidate's percentile to the baseline's over the unit's samples. Neighbouring blocks share
 * the machine's state, so the ratio cancels its drift; units, not requests, are the
 * independent observations (requests within a block are not independent, and a test that
 * treats them as such is overconfident). A unit hit by a burst of other load makes one wild
 * ratio; it widens the interval (the spread of the units grows faster than their mean moves), so
 * it costs evidence rather than raising a false alarm. Ratios are kept within 1/20…20 only so
 * that a unit without answers cannot make the arithmetic infinite.
 * Errors are compared as rates (iterations that failed) with a confidence sequence per side.
 *
 * Verdicts: `regressed` when the interval lies above 0 and reaches the threshold (the threshold
 * is the smallest regression the gate must catch, so a change that might be that large fails),
 * `improved` the mirror image, `unchanged` when the whole interval lies within ± the threshold
 * (equivalence shown, not merely nothing seen), else `inconclusive`. Blocking comparisons share
 * the family error rate α equally (Bonferroni); per-step rows are advisory and share their own α.
 */
import type { MetricComparison, MetricName } from '../checks/metrics/result.js';
import { percentileOfSorted, samplesNeeded } from './quantile.js';
import type { PathSamples, SampleBlock, StepSamples } from './samples.js';
import { rateConfidenceSequence } from './sequential.js';
import { aaSpread, explainInconclusive, judge, roundTo, settleRelative } from './settle.js';

export { judge } from './settle.js';

/** Thresholds per metric (percent, or percentage points for errors); absent: not gated. */
export type Thresholds = Partial<Record<MetricName, number>>;

/** A compared critical path and its step names. */
export interface ComparedPath {
  name: string;
  steps: string[];
}

/** How to compare. */
export interface CompareOptions {
  paths: ComparedPath[];
  thresholds: Thresholds;
  /** Family-wise error rate over the blocking comparisons (1 − confidence). */
  alpha: number;
  /** Samples expected per path and block (rate × block): fixes the rounds per unit before any data. */
  perBlock: number;
  /** Rounds the budget allows in all: what an inconclusive row's projection is measured against. */
  maxRounds: number;
  /** Per-step rows for paths of two steps or more (default true). */
  steps?: boolean;
}

/** Thresholds used when a metric is not gated: a change this large is still reported. */
const REPORT_ONLY: Record<MetricName, number> = { p50: 10, p95: 10, p99: 25, errors: 0.5, throughput: 10 };

const LATENCIES = ['p50', 'p95', 'p99'] as const;

/** Per-unit ratios beyond 20× either way are held there (a unit without answers must not be infinite). */
const LOG_RATIO_LIMIT = Math.log(20);
type Latency = (typeof LATENCIES)[number];

/** One round's blocks of both sides. */
interface RoundPair {
  round: number;
  baseline: SampleBlock;
  candidate: SampleBlock;
}

/** What every row of one comparison needs. */
interface Context {
  o: CompareOptions;
  pairs: RoundPair[];
  alphaPath: number;
  alphaStep: number;
}

/** Compare every path (and step) and metric over the rounds measured on both sides. */
export function compareSamples(blocks: SampleBlock[], o: CompareOptions): MetricComparison[] {
  const pairs = roundPairs(blocks);
  const gated = (Object.keys(o.thresholds) as MetricName[]).filter((m) => o.thresholds[m] !== undefined);
  const withSteps = o.steps !== false ? o.paths.filter((p) => p.steps.length >= 2) : [];
  const stepRows = withSteps.reduce((n, p) => n + p.steps.length * LATENCIES.length, 0);
  const ctx: Context = {
    o,
    pairs,
    alphaPath: o.alpha / Math.max(1, o.paths.length * gated.length),
    alphaStep: o.alpha / Math.max(1, stepRows),
  };
  const rows: MetricComparison[] = [];
  for (const path of o.paths) {
    for (const metric of LATENCIES) rows.push(latencyRow(ctx, path.name, null, metric));
    rows.push(errorsRow(ctx, path.name), throughputRow(ctx, path.name));
  }
  for (const path of withSteps)
    for (const step of path.steps)
      for (const metric of LATENCIES) rows.push(latencyRow(ctx, path.name, step, metric));
  return rows;
}

/** The rounds with a block of each side, in order. */
function roundPairs(blocks: SampleBlock[]): RoundPair[] {
  const rounds = new Map<number, Partial<RoundPair>>();
  for (const block of blocks) {
    const pair = rounds.get(block.round) ?? { round: block.round };
    pair[block.side] = block;
    rounds.set(block.round, pair);
  }
  return [...rounds.values()]
    .filter((p): p is RoundPair => p.baseline !== undefined && p.candidate !== undefined)
    .sort((a, b) => a.round - b.round);
}

function pathIn(block: SampleBlock, path: string): PathSamples | undefined {
  return block.paths.find((p) => p.path === path);
}

/** A side's latencies in a block (null: only the recorded percentiles), or undefined when absent. */
function latenciesOf(block: SampleBlock, path: string, step: string | null): Float64Array | null | undefined {
  const p = pathIn(block, path);
  if (!p) return undefined;
  if (step === null) return p.latencies;
  const s: StepSamples | undefined = p.steps.find((x) => x.step === step);
  return s ? s.latencies : undefined;
}

function merge(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.sort();
}

/** A side's percentile over some blocks: from samples, else (recorded, one block) the kept value. */
function sidePercentile(
  blocks: SampleBlock[],
  path: string,
  step: string | null,
  metric: Latency,
  need: number,
): number | null {
  const parts: Float64Array[] = [];
  for (const block of blocks) {
    const values = latenciesOf(block, path, step);
    if (values === undefined) return null;
    if (values === null) {
      const recorded = pathIn(block, path);
      if (blocks.length !== 1 || step !== null || !recorded?.values || recorded.iterations < need)
        return null;
      return recorded.values[metric];
    }
    parts.push(values);
  }
  const all = merge(parts);
  return all.length >= need ? percentileOfSorted(all, Number(metric.slice(1))) : null;
}

/** One latency percentile of a path or step. */
function latencyRow(ctx: Context, path: string, step: string | null, metric: Latency): MetricComparison {
  const need = samplesNeeded(Number(metric.slice(1)));
  const g = Math.max(1, Math.ceil(need / Math.max(1, ctx.o.perBlock)));
  const gatedAt = step === null ? ctx.o.thresholds[metric] : undefined;
  const threshold = gatedAt ?? ctx.o.thresholds[metric] ?? REPORT_ONLY[metric];
  const changes: number[] = [];
  const perSide: Record<'baseline' | 'candidate', number[]> = { baseline: [], candidate: [] };
  for (let u = 0; (u + 1) * g <= ctx.pairs.length; u++) {
    const unit = ctx.pairs.slice(u * g, (u + 1) * g);
    const at = (side: 'baseline' | 'candidate') =>
      sidePercentile(
        unit.map((r) => r[side]),
        path,
        step,
        metric,
        need,
      );
    const b = at('baseline');
    const c = at('candidate');
    if (b === null || c === null || b <= 0 || c <= 0) continue;
    changes.push(Math.max(-LOG_RATIO_LIMIT, Math.min(LOG_RATIO_LIMIT, Math.log(c / b))));
    perSide.baseline.push(b);
    perSide.candidate.push(c);
  }
  const pooled = (side: 'baseline' | 'candidate'): number | null =>
    sidePercentile(
      ctx.pairs.map((r) => r[side]),
      path,
      step,
      metric,
      need,
    ) ?? meanOfRecorded(ctx.pairs, side, path, step, metric, need);
  const row = baseRow(path, step, metric, 'ms', '%', threshold, gatedAt !== undefined);
  row.before = roundTo(pooled('baseline'));
  row.after = roundTo(pooled('candidate'));
  row.unit_rounds = g;
  row.aa_spread = aaSpread(perSide);
  const alpha = step === null ? ctx.alphaPath : ctx.alphaStep;
  settleRelative(row, changes, { alpha, threshold, worse: 1, g, maxRounds: ctx.o.maxRounds });
  if (changes.length === 0)
    row.reason =
      row.before === null || row.after === null
        ? `n/a (need ≥ ${need} samples for ${metric})`
        : `n/a (need ≥ ${need} samples per side in a unit of ${g} round${g === 1 ? '' : 's'})`;
  return row;
}

/** A recorded baseline's percentile: the mean of its blocks' kept values (blocks with enough samples). */
function meanOfRecorded(
  pairs: RoundPair[],
  side: 'baseline' | 'candidate',
  path: string,
  step: string | null,
  metric: Latency,
  need: number,
): number | null {
  if (step !== null) return null;
  const values = pairs
    .map((r) => pathIn(r[side], path))
    .filter((p): p is PathSamples => p?.values !== undefined && p.iterations >= need)
    .map((p) => (p.values as { p50: number; p95: number; p99: number })[metric]);
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** The error rate of a path (percentage points), from the iterations of both sides. */
function errorsRow(ctx: Context, path: string): MetricComparison {
  const gatedAt = ctx.o.thresholds.errors;
  const threshold = gatedAt ?? REPORT_ONLY.errors;
  const row = baseRow(path, null, 'errors', '%', 'pp', threshold, gatedAt !== undefined);
  row.unit_rounds = 1;
  const total = (side: 'baseline' | 'candidate') => {
    let iterations = 0;
    let errors = 0;
    for (const r of ctx.pairs) {
      const p = pathIn(r[side], path);
      iterations += p?.iterations ?? 0;
      errors += p?.errors ?? 0;
    }
    return { iterations, errors };
  };
  const b = total('baseline');
  const c = total('candidate');
  row.units = ctx.pairs.length;
  if (b.iterations === 0 || c.iterations === 0) {
    row.reason = 'n/a (no iterations on one side)';
    return row;
  }
  const rb = b.errors / b.iterations;
  const rc = c.errors / c.iterations;
  row.before = roundTo(rb * 100);
  row.after = roundTo(rc * 100);
  row.change = roundTo((rc - rb) * 100);
  const [lb, ub] = rateConfidenceSequence(b.errors, b.iterations, ctx.alphaPath / 2);
  const [lc, uc] = rateConfidenceSequence(c.errors, c.iterations, ctx.alphaPath / 2);
  const interval: [number, number] = [(lc - ub) * 100, (uc - lb) * 100];
  row.interval = [roundTo(interval[0]) as number, roundTo(interval[1]) as number];
  row.verdict = judge(interval, threshold, 1);
  if (row.verdict === 'inconclusive') {
    // The interval narrows about as 1/√n (1/n without errors): a conservative projection.
    const half = (interval[1] - interval[0]) / 2;
    const need = Math.max(threshold - Math.abs(rc - rb) * 100, Math.abs(rc - rb) * 100);
    const more = need > 0 ? ctx.pairs.length * ((half / need) ** 2 - 1) : Number.POSITIVE_INFINITY;
    explainInconclusive(row, interval, more, {
      alpha: ctx.alphaPath,
      threshold,
      worse: 1,
      g: 1,
      maxRounds: ctx.o.maxRounds,
    });
  }
  return row;
}

/** Iterations per second, per round (a drop is worse). */
function throughputRow(ctx: Context, path: string): MetricComparison {
  const gatedAt = ctx.o.thresholds.throughput;
  const threshold = gatedAt ?? REPORT_ONLY.throughput;
  const row = baseRow(path, null, 'throughput', '/s', '%', threshold, gatedAt !== undefined);
  row.unit_rounds = 1;
  const changes: number[] = [];
  const perSide: Record<'baseline' | 'candidate', number[]> = { baseline: [], candidate: [] };
  for (const r of ctx.pairs) {
    const b = pathIn(r.baseline, path)?.throughput ?? 0;
    const c = pathIn(r.candidate, path)?.throughput ?? 0;
    if (b <= 0 || c <= 0) continue;
    changes.push(Math.log(c / b));
    perSide.baseline.push(b);
    perSide.candidate.push(c);
  }
  const mean = (xs: number[]): number | null =>
    xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null;
  row.before = roundTo(mean(perSide.baseline));
  row.after = roundTo(mean(perSide.candidate));
  row.aa_spread = aaSpread(perSide);
  settleRelative(row, changes, {
    alpha: ctx.alphaPath,
    threshold,
    worse: -1,
    g: 1,
    maxRounds: ctx.o.maxRounds,
  });
  return row;
}

function baseRow(
  path: string,
  step: string | null,
  metric: MetricName,
  unit: MetricComparison['unit'],
  changeUnit: MetricComparison['change_unit'],
  threshold: number,
  blocking: boolean,
): MetricComparison {
  return {
    path,
    step,
    metric,
    unit,
    before: null,
    after: null,
    change: null,
    change_unit: changeUnit,
    interval: null,
    threshold: blocking ? threshold : null,
    verdict: 'inconclusive',
    blocking,
    units: 0,
    unit_rounds: 1,
    aa_spread: null,
  };
}
