// preflight's load probe (the built library in dist/) as its own process, so that its CPU
// time and the bench's do not mix. Prints one JSON line: requests, rate, cpu_us (CPU time
// of this process during the probe, per request), p50_ms, p99_ms.
// Usage: [PROBE_TRANSPORT=undici] node bench/peers/probe.mjs max-rate BASE_URL PATH CONNECTIONS SECONDS
//        node bench/peers/probe.mjs open     BASE_URL PATH RATE SECONDS

import { Agent, Pool } from 'undici';
import { CriticalPathSpec } from '../../dist/plan/schema.js';
import { createProbeDispatcher } from '../../dist/probe/dispatcher.js';
import { runMaxRate } from '../../dist/probe/max-rate.js';
import { runProbe } from '../../dist/probe/probe.js';
import { summarizeRecords } from '../../dist/probe/recorder.js';
import { Redactor } from '../../dist/secrets/redactor.js';

const [mode, baseUrl, url, amount, seconds] = process.argv.slice(2);
if (!['max-rate', 'open'].includes(mode) || !seconds)
  throw new Error('usage: probe.mjs max-rate|open BASE_URL PATH N SECONDS');

const path = CriticalPathSpec.parse({
  name: 'bench',
  owner: 'bench',
  expect: 'answers',
  rollback: 'none',
  steps: [{ name: 'get', request: { url }, expect: { status: 200 } }],
});
const scope = () => ({
  env: {},
  secret: () => undefined,
  run: { id: 'bench', dir: '/tmp' },
  service: { url: baseUrl },
  vars: new Map(),
  redactor: new Redactor(),
});
const common = {
  paths: [path],
  baseUrl,
  scope,
  durationMs: Number(seconds) * 1000,
  stepTimeout: '5s',
  signal: new AbortController().signal,
};
const n = Number(amount);
// The same dispatcher the metrics check makes for the open model (max_in_flight connections).
// PROBE_TRANSPORT=undici: undici's own pools instead (the bench's transport row compares them).
const connections = mode === 'open' ? 256 : Number(amount);
const dispatcher =
  process.env.PROBE_TRANSPORT === 'undici'
    ? new Agent({ factory: (origin, o) => new Pool(origin, { ...o, connections, pipelining: 1 }) })
    : mode === 'open'
      ? createProbeDispatcher(connections)
      : undefined;
const before = process.cpuUsage();
const result =
  mode === 'max-rate'
    ? await runMaxRate({ ...common, vus: n, ...(dispatcher ? { dispatcher } : {}) })
    : await runProbe({ ...common, rate: n, maxInFlight: 256, dispatcher });
const used = process.cpuUsage(before);
await dispatcher?.close?.();
const record = result.records[0];
const summary = summarizeRecords(result.records, result.scheduledMs / 1000)[0];
const requests = record?.requests ?? 0;
console.log(
  JSON.stringify({
    requests,
    errors: record?.errors ?? 0,
    rate: (record?.iterations ?? 0) / (result.scheduledMs / 1000),
    cpu_us: (used.user + used.system) / requests,
    p50_ms: summary?.p50_ms,
    p99_ms: summary?.p99_ms,
  }),
);
