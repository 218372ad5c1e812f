/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';

export const SECTIONS = [
  'flow',
  'startup',
  'probe',
  'accuracy',
  'gate',
  'seed',
  'postman',
  'migrations',
  'transport',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Rounds of each alternating comparison; each figure is the median of its rounds. */
  rounds: number;
  /** Iterations of the 5-step flow (5 requests each). */
  iterations: number;
  /** Seconds of each max-rate run and of each latency-accuracy run. */
  seconds: number;
  connections: number;
  sections: Section[];
  /** Exit 1 when a target is missed (default: only when a row could not be measured). */
  strict: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--rounds N] [--seconds N] [--connections N]
                        [--iterations N] [--only flow,startup,probe,accuracy,gate,seed,postman,migrations,transport] [--strict]
  default: 3 rounds, 5 s runs (about 8 minutes); --quick: 1 round, 2 s runs (about 3 minutes)`;

/** Parse argv (without node and the script); exits 2 with the usage on a bad option. */
export function parseOptions(argv: string[]): BenchOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const sections = (values.only?.split(',') ?? [...SECTIONS]).map((s) => s.trim());
  const unknown = sections.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  const options: BenchOptions = {
    rounds: positive(values.rounds, quick ? 1 : 3),
    iterations: positive(values.iterations, 200),
    seconds: positive(values.seconds, quick ? 2 : 5),
    connections: positive(values.connections, 32),
    sections: sections as Section[],
    strict: values.strict === true,
  };
  const bad = Object.entries(options).filter(([, v]) => typeof v === 'number' && !(v > 0));
  if (unknown.length > 0 || bad.length > 0) {
    const what = [...unknown.map((s) => `unknown section "${s}"`), ...bad.map(([k]) => `--${k} must be > 0`)];
    process.stderr.write(`${what.join('; ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      iterations: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function positive(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : Number(text);
}
