/**
 * Reading k6's raw per-request output (`k6 run --out json=FILE`, one JSON object a line) of the
 * scripts `preflight export k6` writes, and merging several of them (one per execution segment,
 * or one per pod of the k6 operator) exactly: the samples themselves are joined, so percentiles
 * of the merged data are the percentiles of every sample, never an average of percentiles.
 *
 * Per critical path (the `path` tag each scenario carries): iteration latencies
 * (`iteration_duration`, ms), iterations and errors (`preflight_path_ok`: one point per
 * iteration, 0 when a step failed), dropped iterations (`dropped_iterations`, arrival-rate
 * executors), requests, and per step its request latencies (`http_req_duration`, `step` tag) and
 * failed checks.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One step's raw data. */
export interface K6StepSamples {
  latencies: number[];
  /** Requests of this step whose checks failed (`checks` points with value 0). */
  errors: number;
}

/** One critical path's raw data. */
export interface K6PathSamples {
  latencies: number[];
  iterations: number;
  errors: number;
  dropped: number;
  requests: number;
  /** The name of the first failed check seen (e.g. `checkout / pay: status 201`). */
  firstFailedCheck: string | null;
  steps: Map<string, K6StepSamples>;
}

/** Every path's raw data, by path name; `points` counts the points read. */
export interface K6Samples {
  paths: Map<string, K6PathSamples>;
  points: number;
  /** Time of the first and the last point (ms since the epoch; 0 when none). */
  firstMs: number;
  lastMs: number;
}

interface Point {
  metric?: string;
  type?: string;
  data?: { time?: string; value?: number; tags?: Record<string, string> };
}

/** An empty collection. */
export function emptyK6Samples(): K6Samples {
  return { paths: new Map(), points: 0, firstMs: 0, lastMs: 0 };
}

/** Read the raw output files (one per segment) into one collection. */
export async function readK6Raw(files: string[]): Promise<K6Samples> {
  const out = emptyK6Samples();
  for (const file of files) {
    const lines = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.length === 0) continue;
      let point: Point;
      try {
        point = JSON.parse(line) as Point;
      } catch {
        throw new Error(`${file}:${n} is not k6 JSON output (write it with k6 run --out json=FILE)`);
      }
      addPoint(out, point);
    }
  }
  return out;
}

/** Add one line of k6's JSON output. */
export function addPoint(into: K6Samples, point: Point): void {
  if (point.type !== 'Point' || !point.data) return;
  const path = point.data.tags?.path;
  const value = point.data.value;
  if (path === undefined || typeof value !== 'number') return;
  into.points++;
  const at = point.data.time ? Date.parse(point.data.time) : Number.NaN;
  if (!Number.isNaN(at)) {
    if (into.firstMs === 0 || at < into.firstMs) into.firstMs = at;
    if (at > into.lastMs) into.lastMs = at;
  }
  const p = pathOf(into, path);
  const stepName = point.data.tags?.step;
  switch (point.metric) {
    case 'iteration_duration':
      p.latencies.push(value);
      break;
    case 'preflight_path_ok':
      p.iterations++;
      if (value === 0) p.errors++;
      break;
    case 'dropped_iterations':
      p.dropped += value;
      break;
    case 'http_req_duration':
      p.requests++;
      if (stepName !== undefined) stepOf(p, stepName).latencies.push(value);
      break;
    case 'checks':
      if (value !== 0) break;
      p.firstFailedCheck ??= point.data.tags?.check ?? null;
      if (stepName !== undefined) stepOf(p, stepName).errors++;
      break;
  }
}

function pathOf(into: K6Samples, name: string): K6PathSamples {
  let p = into.paths.get(name);
  if (!p) {
    p = {
      latencies: [],
      iterations: 0,
      errors: 0,
      dropped: 0,
      requests: 0,
      firstFailedCheck: null,
      steps: new Map(),
    };
    into.paths.set(name, p);
  }
  return p;
}

function stepOf(p: K6PathSamples, name: string): K6StepSamples {
  let s = p.steps.get(name);
  if (!s) {
    s = { latencies: [], errors: 0 };
    p.steps.set(name, s);
  }
  return s;
}
