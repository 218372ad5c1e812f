/**
 * Turning critical paths into the data an exported k6 script runs: steps with their
 * requests (templates kept, rendered by the script), expectations, captures and retries,
 * and k6 thresholds from each path's SLO. What k6 cannot do is listed, never dropped silently.
 */

import { toMs } from '../../plan/duration.js';
import type { Capture, CriticalPath, Plan, Step, StepExpect } from '../../plan/schema.js';

/** A step as the k6 runtime reads it. */
export interface K6Step {
  name: string;
  method: string;
  request: Record<string, unknown>;
  expect?: K6Expect;
  capture?: Record<string, Record<string, unknown>>;
  retry?: { count: number; interval_ms: number; until?: K6Expect };
  timeout_ms: number;
}

interface K6Expect {
  status?: number[];
  headers?: Record<string, unknown>;
  json?: { path: string; segments: (string | number)[]; matcher: unknown }[];
  body?: Record<string, string>;
  max_ms?: number;
}

/** A critical path as the k6 runtime reads it. */
export interface K6Path {
  variables: Record<string, unknown>;
  steps: K6Step[];
}

/** The converted paths, and what could not be converted (one line each). */
export interface Conversion {
  paths: Record<string, K6Path>;
  notConverted: string[];
}

/** Convert the given critical paths of a plan. */
export function convertPaths(plan: Plan, paths: CriticalPath[]): Conversion {
  const notConverted: string[] = [];
  const stepTimeout = toMs(plan.paths?.step_timeout ?? '10s');
  const out: Record<string, K6Path> = {};
  for (const path of paths) {
    const note = (step: Step, what: string): void => {
      notConverted.push(`critical path "${path.name}", step "${step.name}": ${what}`);
    };
    out[path.name] = {
      variables: path.variables ?? {},
      steps: path.steps.map((step) => convertStep(step, stepTimeout, (what) => note(step, what))),
    };
  }
  return { paths: out, notConverted };
}

function convertStep(step: Step, defaultTimeoutMs: number, note: (what: string) => void): K6Step {
  const { method, ...request } = step.request;
  const out: K6Step = {
    name: step.name,
    method,
    request,
    timeout_ms: toMs(step.timeout ?? defaultTimeoutMs),
  };
  if (step.expect) out.expect = convertExpect(step.expect, 'expect', note);
  if (step.capture) out.capture = convertCaptures(step.capture, note);
  if (step.retry) {
    out.retry = { count: step.retry.count, interval_ms: toMs(step.retry.interval) };
    if (step.retry.until) out.retry.until = convertExpect(step.retry.until, 'retry.until', note);
  }
  return out;
}

function convertExpect(expect: StepExpect, where: string, note: (what: string) => void): K6Expect {
  const out: K6Expect = {};
  if (typeof expect.status === 'object' && !Array.isArray(expect.status))
    note(`${where}.status as a matcher is not exported: give the codes as a list`);
  else if (expect.status !== undefined)
    out.status = Array.isArray(expect.status) ? expect.status : [expect.status];
  if (expect.headers) out.headers = expect.headers;
  if (expect.body) out.body = expect.body as Record<string, string>;
  if (expect.max_ms !== undefined) out.max_ms = expect.max_ms;
  if (expect.json) {
    out.json = [];
    for (const [path, matcher] of Object.entries(expect.json)) {
      const segments = jsonPathSegments(path);
      if (segments) out.json.push({ path, segments, matcher });
      else note(`${where}.json "${path}" is not exported (only plain JSONPaths like $.a[0].b are)`);
    }
  }
  if (expect.schema !== undefined) {
    const which = expect.schema === 'openapi' ? 'schema: openapi' : 'a JSON Schema';
    note(
      `${where}.schema (${which}) is not exported: k6 has no schema validation; keep it in \`preflight run\``,
    );
  }
  return out;
}

function convertCaptures(
  captures: Record<string, Capture>,
  note: (what: string) => void,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(captures)) {
    const source = typeof spec === 'string' ? { json: spec } : spec;
    if (source.json !== undefined) {
      const segments = jsonPathSegments(source.json);
      if (segments) out[name] = { json: segments };
      else note(`capture ${name} (${source.json}) is not exported (only plain JSONPaths like $.a[0].b are)`);
    } else if (source.header) out[name] = { header: source.header };
    else if (source.cookie) out[name] = { cookie: source.cookie };
    else if (source.regex) out[name] = { regex: source.regex };
    else if (source.value !== undefined)
      note(
        `capture ${name} (a fixed value) is not exported: the k6 script takes captures from responses only`,
      );
  }
  return out;
}

/** `$.items[0].id` -> `['items', 0, 'id']`; undefined for wildcards, filters, recursion and slices. */
export function jsonPathSegments(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: (string | number)[] = [];
  const token = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let index = 1;
  while (index < path.length) {
    token.lastIndex = index;
    const m = token.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]) as string);
    index = token.lastIndex;
  }
  return segments;
}

/** k6 thresholds from the SLOs of the given paths (tagged `path:NAME`). */
export function thresholdsFor(paths: CriticalPath[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const path of paths) {
    const slo = path.slo;
    if (!slo) continue;
    const latency = (
      [
        ['p(50)', slo.p50_ms],
        ['p(95)', slo.p95_ms],
        ['p(99)', slo.p99_ms],
      ] as const
    )
      .filter(([, ms]) => ms !== undefined)
      .map(([stat, ms]) => `${stat}<${ms}`);
    if (latency.length > 0) out[`http_req_duration{path:${path.name}}`] = latency;
    if (slo.errors !== undefined) {
      const rate = slo.errors / 100;
      out[`http_req_failed{path:${path.name}}`] = [`rate<=${rate}`];
      out[`preflight_path_ok{path:${path.name}}`] = [`rate>=${Math.round((1 - rate) * 1e6) / 1e6}`];
    }
  }
  return out;
}
