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
  /**
   * For `metrics.engine: k6`: the scenarios start iterations at a constant arrival rate (the
   * open model of the built-in probe; `-e RATE_PER_MIN=N`), or run `-e VUS=N` closed loops
   * (max-rate), and carry no thresholds: preflight's judge decides, not k6.
   */
  engine?: { model: 'open' | 'max-rate'; maxVus: number; gracefulStop: string };
}

/** The script, and the plan features it could not carry (one line each). */
export interface K6Script {
  text: string;
  notConverted: string[];
}

/** Write the k6 script for these critical paths of the plan. */
export function buildK6Script(plan: Plan, paths: CriticalPath[], options: K6Options): K6Script {
  const { paths: converted, notConverted } = convertPaths(plan, paths);
  // The script is meant to be shared: credentials in the URL stay out (-e BASE_URL=... gives them).
  const baseUrl = withoutCredentials(options.baseUrl);
  if (baseUrl !== options.baseUrl)
    notConverted.push('the credentials of the base URL: pass the URL with them as -e BASE_URL=...');
  const names = paths.map((p) => p.name);
  const execNames = uniqueExecNames(names);
  const scenarios = Object.fromEntries(
    names.map((name, i) => [execNames[i], scenarioFor(execNames[i] as string, name, options.engine)]),
  );
  const thresholds = options.engine ? {} : thresholdsFor(paths);
  const optionsText = compactJson({ scenarios, thresholds })
    .replaceAll('"__VUS__"', 'VUS')
    .replaceAll('"__DURATION__"', 'DURATION')
    .replaceAll('"__RATE__"', 'RATE_PER_MIN');
  const lines = [
    `// k6 script written by \`preflight export k6\` from ${options.planFile} (service ${plan.service.name}).`,
    '// Run it: k6 run -e BASE_URL=https://staging.example.com script.js',
    '// Secrets and {{ env.X }} values come from k6 environment variables (-e NAME=value).',
    ...notConvertedComment(notConverted),
    "import http from 'k6/http';",
    "import { check, sleep } from 'k6';",
    "import { Rate, Trend } from 'k6/metrics';",
    "import exec from 'k6/execution';",
    '',
    `const BASE_URL = __ENV.BASE_URL || ${JSON.stringify(baseUrl)};`,
    `const VUS = __ENV.VUS ? Number(__ENV.VUS) : ${options.vus};`,
    `const DURATION = __ENV.DURATION || ${JSON.stringify(options.duration)};`,
    ...(options.engine?.model === 'open'
      ? ['const RATE_PER_MIN = __ENV.RATE_PER_MIN ? Number(__ENV.RATE_PER_MIN) : 60;']
      : []),
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

/** One path's scenario: constant VUs for export, what the engine asks for under `metrics`. */
function scenarioFor(exec: string, path: string, engine: K6Options['engine']): Record<string, unknown> {
  const tags = { path };
  if (!engine) return { executor: 'constant-vus', exec, vus: '__VUS__', duration: '__DURATION__', tags };
  if (engine.model === 'max-rate')
    return {
      executor: 'constant-vus',
      exec,
      vus: '__VUS__',
      duration: '__DURATION__',
      gracefulStop: engine.gracefulStop,
      tags,
    };
  return {
    executor: 'constant-arrival-rate',
    exec,
    rate: '__RATE__',
    timeUnit: '1m',
    duration: '__DURATION__',
    preAllocatedVUs: Math.min(engine.maxVus, 8),
    maxVUs: engine.maxVus,
    gracefulStop: engine.gracefulStop,
    tags,
  };
}

/** `http://user:pass@host/x` → `http://host/x`; anything else as it is. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    const text = parsed.toString();
    return url.endsWith('/') ? text : text.replace(/\/$/, '');
  } catch {
    return url;
  }
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
