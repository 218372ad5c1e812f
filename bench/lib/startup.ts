/**
 * Start-up: `preflight validate` on the example plan, and a 1-request plan run by preflight
 * beside the same single GET from a plain undici script, Newman and Step CI.
 */
import { type BenchContext, CLI, STEPCI_ENV } from './context.js';
import { alternate, measureCommand, median, medianRatio } from './measure.js';
import { errorRows, type Row, target } from './table.js';

const STARTUP_TOOLS = ['validate', 'preflight', 'undici', 'newman', 'stepci'] as const;
type StartupTool = (typeof STARTUP_TOOLS)[number];
const LABELS = ['start-up: preflight validate (example plan)', 'start-up: a 1-request plan'] as const;

function startupCommand(ctx: BenchContext, tool: StartupTool): string {
  const url = ctx.node.url;
  switch (tool) {
    case 'validate':
      return `${CLI} validate --plan examples/shop/preflight.yaml --no-color`;
    case 'preflight':
      return `${CLI} run --plan bench/fixtures/one-request.yaml --base-url ${url} --no-store --no-color`;
    case 'undici':
      return `node bench/peers/undici-request.mjs ${url}`;
    case 'newman':
      return `node_modules/.bin/newman run bench/fixtures/one-request.postman_collection.json --env-var baseUrl=${url}`;
    case 'stepci':
      return `node_modules/.bin/stepci run bench/fixtures/one-request.stepci.yml -e base=${url}`;
  }
}

/** Start-up rows; more rounds than the other sections, since one start-up is short and noisy. */
export async function benchStartup(ctx: BenchContext): Promise<Row[]> {
  const rounds = ctx.options.rounds + 2;
  let results: Map<StartupTool, number[]>;
  try {
    results = await alternate(STARTUP_TOOLS, rounds, async (tool, round) => {
      const m = await measureCommand(startupCommand(ctx, tool), {
        cwd: ctx.root,
        tmp: ctx.tmp,
        env: STEPCI_ENV,
      });
      ctx.log(`start-up round ${round + 1} ${tool}: ${(m.wallMs / 1000).toFixed(3)} s`);
      return m.wallMs / 1000;
    });
  } catch (error) {
    return errorRows([...LABELS], error);
  }
  const s = (tool: StartupTool): number => median(results.get(tool) ?? []);
  const validate = s('validate');
  const one = s('preflight');
  const ratio = medianRatio(results, 'preflight', 'undici', (wall) => wall);
  return [
    {
      label: LABELS[0],
      unit: 's',
      values: { preflight: validate },
      target: target(validate, '<=', 0.25, '≤ 0.25 s'),
    },
    {
      label: LABELS[1],
      unit: 's',
      values: { preflight: one, undici: s('undici'), newman: s('newman'), stepci: s('stepci') },
      ratio,
      target: target(ratio, '<=', 1.3, '≤ 1.3x undici'),
    },
  ];
}
