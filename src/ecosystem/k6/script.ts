/**
 * `preflight export k6`: a k6 script with the critical paths' requests, captures and checks,
 * one scenario per path, and thresholds from the SLOs. It imports only k6's own modules.
 */
import type { CriticalPath, Plan } from '../../plan/schema.js';
import { compactJson } from './compact-json.js';
import { convertPaths, thresholdsFor } from './convert.js';
import { K6_RUNTIME } from './runtime.js';

/** How the script loads the service. */
export interface K6Options {
  /** The plan file, named in the header. */
  planFile: string;
  /** Virtual users per scenario (default 5); `-e VUS=N` overrides it when k6 runs. */
  vus: number;
  /** Duration of each scenario (default `30s`); `-e DURATION=1m` overrides it. */
  duration: string;
  /** The default service URL; `-e BASE_URL=...` overrides it. */
  baseUrl: string;
}

/** The script, and the plan features it could not carry (one line each). */
export interface K6Script {
  text: string;
  notConverted: string[];
}

/** Write the k6 script for these critical paths of the plan. */
export function buildK6Script(plan: Plan, paths: CriticalPath[], options: K6Options): K6Script {
  const { paths: converted, notConverted } = convertPaths(plan, paths);
  const names = paths.map((p) => p.name);
  const execNames = uniqueExecNames(names);
  const scenarios = Object.fromEntries(
    names.map((name, i) => [
      execNames[i],
      {
        executor: 'constant-vus',
        exec: execNames[i],
        vus: '__VUS__',
        duration: '__DURATION__',
        tags: { path: name },
      },
    ]),
  );
  const optionsText = compactJson({ scenarios, thresholds: thresholdsFor(paths) })
    .replaceAll('"__VUS__"', 'VUS')
    .replaceAll('"__DURATION__"', 'DURATION');
  const lines = [
    `// k6 script written by \`preflight export k6\` from ${options.planFile} (service ${plan.service.name}).`,
    '// Run it: k6 run -e BASE_URL=https://staging.example.com script.js',
    '// Secrets and {{ env.X }} values come from k6 environment variables (-e NAME=value).',
    ...notConvertedComment(notConverted),
    "import http from 'k6/http';",
    "import { check, sleep } from 'k6';",
    "import { Rate, Trend } from 'k6/metrics';",
    '',
    `const BASE_URL = __ENV.BASE_URL || ${JSON.stringify(options.baseUrl)};`,
    `const VUS = __ENV.VUS ? Number(__ENV.VUS) : ${options.vus};`,
    `const DURATION = __ENV.DURATION || ${JSON.stringify(options.duration)};`,
    '',
    "const pathDuration = new Trend('preflight_path_duration', true);",
    "const pathOk = new Rate('preflight_path_ok');",
    '',
    `const PLAN_VARIABLES = ${compactJson(plan.variables ?? {})};`,
    '',
    `const PATHS = ${compactJson(converted)};`,
    '',
    `export const options = ${optionsText};`,
    '',
    ...names.map(
      (name, i) => `export function ${execNames[i]}() {\n  runPath(${JSON.stringify(name)});\n}\n`,
    ),
    '/** Every critical path once per iteration (what `k6 run --vus N --duration D` runs). */',
    'export default function () {',
    '  Object.keys(PATHS).forEach(runPath);',
    '}',
    K6_RUNTIME,
  ];
  return { text: `${lines.join('\n')}`, notConverted };
}

function notConvertedComment(notConverted: string[]): string[] {
  if (notConverted.length === 0) return [];
  return [
    '//',
    '// Not exported (k6 cannot do these; `preflight run` still checks them):',
    ...notConverted.map((n) => `//   - ${n}`),
  ];
}

/** A JavaScript function name per path: `path_sign_up_and_login`. */
function uniqueExecNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = `path_${
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '') || 'unnamed'
    }`;
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`;
    used.add(candidate);
    return candidate;
  });
}
