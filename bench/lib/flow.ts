/**
 * The 5-step flow (login, list, create, read back, delete) repeated N times, run by preflight,
 * a plain undici script, Newman, Step CI and k6 against the Node server: wall time, marginal cost
 * per request (N-iteration run minus 1-iteration run) and peak RSS.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type BenchContext, CLI, STEPCI_ENV } from './context.js';
import { alternate, type Measured, measureCommand, median, medianRatio, medians } from './measure.js';
import type { Row } from './table.js';
import { errorRows, target } from './table.js';
import { K6 } from './tools.js';

export const FLOW_TOOLS = ['preflight', 'undici', 'newman', 'stepci', 'k6', 'default'] as const;
type FlowTool = (typeof FLOW_TOOLS)[number];

const FIXTURES = 'bench/fixtures';
/** Extra default/undici pairs for the default-settings row (beside the rounds' own). */
const DEFAULT_PAIRS = 12;
const STEPS = 5;

/**
 * A preflight plan with the flow's critical path copied `n` times: a plan has no repeat key,
 * and copies with `paths.concurrency: 1` run one after the other, as a user's plan would.
 */
export function writePreflightFlowPlan(root: string, dir: string, n: number): string {
  const plan = parse(readFileSync(join(root, FIXTURES, 'flow.yaml'), 'utf8'));
  const path = plan.critical_paths[0];
  plan.critical_paths = Array.from({ length: n }, (_, i) => ({ ...path, name: `flow-${i + 1}` }));
  const file = join(dir, `flow-${n}.yaml`);
  // Copies share one object: write them out (the plan loader refuses alias bombs, rightly).
  writeFileSync(file, stringify(plan, { aliasDuplicateObjects: false }));
  return file;
}

/** A Step CI workflow with the flow's test copied `n` times (concurrency 1: in sequence). */
export function writeStepCiFlowWorkflow(root: string, dir: string, n: number): string {
  const workflow = parse(readFileSync(join(root, FIXTURES, 'flow.stepci.yml'), 'utf8'));
  const test = workflow.tests.flow;
  workflow.tests = Object.fromEntries(Array.from({ length: n }, (_, i) => [`flow-${i + 1}`, test]));
  const file = join(dir, `flow-${n}.stepci.yml`);
  writeFileSync(file, stringify(workflow, { aliasDuplicateObjects: false }));
  return file;
}

function flowCommand(ctx: BenchContext, tool: FlowTool, n: number): string {
  const url = ctx.node.url;
  switch (tool) {
    case 'preflight':
      return `${CLI} run --plan ${writePreflightFlowPlan(ctx.root, ctx.tmp, n)} --base-url ${url} --no-store --no-color`;
    // What a user gets by default: the history store on (in the plan's .preflight/).
    case 'default':
      return `${CLI} run --plan ${writePreflightFlowPlan(ctx.root, ctx.tmp, n)} --base-url ${url} --no-color`;
    case 'k6':
      return `${K6} run --quiet --no-usage-report --address '' -e BASE=${url} -e N=${n} ${FIXTURES}/flow.k6.js`;
    case 'undici':
      return `node bench/peers/undici-flow.mjs ${url} ${n}`;
    case 'newman':
      return `node_modules/.bin/newman run ${FIXTURES}/flow.postman_collection.json -n ${n} --env-var baseUrl=${url}`;
    case 'stepci':
      return `node_modules/.bin/stepci run ${writeStepCiFlowWorkflow(ctx.root, ctx.tmp, n)} -e base=${url}`;
  }
}

interface FlowRound {
  full: Measured;
  one: Measured;
}

/** Measure every tool's flow over the rounds (alternating order) and return the table's rows. */
export async function benchFlow(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.options.iterations;
  const requests = n * STEPS;
  const labels = [
    `5-step flow x${n} (${requests} requests, node), wall`,
    `marginal cost per request (/${requests - STEPS})`,
    'marginal: Step CI / preflight',
    'marginal: Newman / preflight',
    `peak RSS, ${requests}-request flow`,
    `5-step flow x${n}, default settings (history store on), wall`,
    '  history store on / --no-store',
  ] as const;
  let results: Map<FlowTool, FlowRound[]>;
  try {
    // One unmeasured run of each tool first: the OS file cache, and preflight's plan cache
    // (a 200-path plan seen for the first time is parsed in about 0.5 s; later runs read
    // the cache), so that every round measures the steady state of every tool.
    for (const tool of FLOW_TOOLS) {
      const o = { cwd: ctx.root, tmp: ctx.tmp, env: STEPCI_ENV };
      await measureCommand(flowCommand(ctx, tool, 1), o);
      const warm = await measureCommand(flowCommand(ctx, tool, n), o);
      ctx.log(`flow warm-up ${tool}: ${(warm.wallMs / 1000).toFixed(2)} s (not counted)`);
    }
    results = await alternate(FLOW_TOOLS, ctx.options.rounds, async (tool, round) => {
      const o = { cwd: ctx.root, tmp: ctx.tmp, env: STEPCI_ENV };
      const one = await measureCommand(flowCommand(ctx, tool, 1), o);
      const full = await measureCommand(flowCommand(ctx, tool, n), o);
      ctx.log(
        `flow round ${round + 1} ${tool}: ${(full.wallMs / 1000).toFixed(2)} s, 1 iteration ${(one.wallMs / 1000).toFixed(2)} s`,
      );
      return { full, one };
    });
  } catch (error) {
    return errorRows([...labels], error);
  }
  // The default-settings target sits within the noise of a few rounds (1.00x to 1.30x between
  // rounds of one run): its ratio is the median of more pairs, default then undici, each pair
  // next to each other, the rounds' pairs included.
  const pairs: number[] = [];
  try {
    const o = { cwd: ctx.root, tmp: ctx.tmp, env: STEPCI_ENV };
    for (let i = 0; i < DEFAULT_PAIRS; i++) {
      const first = i % 2 === 0 ? 'default' : 'undici';
      const a = await measureCommand(flowCommand(ctx, first, n), o);
      const b = await measureCommand(flowCommand(ctx, first === 'default' ? 'undici' : 'default', n), o);
      pairs.push(first === 'default' ? a.wallMs / b.wallMs : b.wallMs / a.wallMs);
    }
  } catch (error) {
    return errorRows([labels[5], labels[6]], error);
  }
  const fig = (pick: (r: FlowRound) => number) => medians(FLOW_TOOLS, results, pick);
  const wallOf = (r: FlowRound): number => r.full.wallMs;
  const marginalOf = (r: FlowRound): number => r.full.wallMs - r.one.wallMs;
  const wall = fig((r) => wallOf(r) / 1000);
  const marginal = fig((r) => marginalOf(r) / (requests - STEPS));
  const rss = fig((r) => r.full.peakRssMiB);
  const wallRatio = medianRatio(results, 'preflight', 'undici', wallOf);
  const roundPairs = (results.get('default') ?? []).map(
    (r, i) => wallOf(r) / wallOf(results.get('undici')?.[i] as FlowRound),
  );
  const defaultPairs = [...roundPairs, ...pairs];
  const defaultRatio = median(defaultPairs);
  ctx.log(
    `flow default/undici over ${defaultPairs.length} pairs: ${defaultPairs.map((r) => r.toFixed(2)).join(' ')}`,
  );
  const m = marginal.preflight;
  return [
    {
      label: labels[0],
      unit: 's',
      values: wall,
      ratio: wallRatio,
      target: target(wallRatio, '<=', 1.3, '≤ 1.3x undici'),
    },
    {
      label: labels[1],
      unit: 'ms',
      values: marginal,
      ratio: medianRatio(results, 'preflight', 'undici', marginalOf),
      target: target(m, '<=', 0.45, '≤ 0.45 ms'),
    },
    ratioRow(labels[2], medianRatio(results, 'stepci', 'preflight', marginalOf), 4),
    ratioRow(labels[3], medianRatio(results, 'newman', 'preflight', marginalOf), 25),
    {
      label: labels[4],
      unit: 'MiB',
      values: rss,
      ratio: medianRatio(results, 'preflight', 'undici', (r) => r.full.peakRssMiB),
      target: target(rss.preflight, '<=', 100, '≤ 100 MiB'),
    },
    {
      label: `${labels[5]} (${defaultPairs.length} pairs)`,
      unit: 's',
      values: { preflight: wall.default, undici: wall.undici },
      ratio: defaultRatio,
      target: target(defaultRatio, '<=', 1.1, '≤ 1.1x undici'),
    },
    // What recording the run costs: the same plan with the store on and with --no-store, in the
    // same rounds (no target: the row above is the user's figure).
    {
      label: labels[6],
      unit: 's',
      values: { preflight: wall.default },
      ratio: medianRatio(results, 'default', 'preflight', wallOf),
    },
  ];
}

function ratioRow(label: string, ratio: number, atLeast: number): Row {
  return {
    label,
    unit: 'x',
    values: {},
    ratio,
    target: target(ratio, '>=', atLeast, `≥ ${atLeast}x faster`),
  };
}
