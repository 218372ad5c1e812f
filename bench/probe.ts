/**
 * bench:probe — the probe's maximum rate (max-rate mode: closed loops, one per
 * connection) on a trivial local server, against autocannon and wrk on the same server
 * with the same connection count, in the same run; plus the open model's accuracy on a
 * fixed 20 ms delay. The tools take turns for `rounds` rounds (other load on the
 * machine then hits all of them alike); the ratios use each tool's best round.
 * Usage: npm run bench:probe [-- SECONDS CONNECTIONS ROUNDS]   (defaults 5 32 2)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { CriticalPathSpec } from '../src/plan/schema.js';
import type { TemplateScope } from '../src/plan/template.js';
import { createProbeDispatcher } from '../src/probe/dispatcher.js';
import { runMaxRate } from '../src/probe/max-rate.js';
import { runProbe } from '../src/probe/probe.js';
import { summarizeRecords } from '../src/probe/recorder.js';
import { ManagedProcess, runCommand } from '../src/process/process.js';
import { Redactor } from '../src/secrets/redactor.js';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 2);
try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (error) {
  if ((error as { code?: string }).code === 'ENOENT') {
    process.stderr.write('bench:probe needs wrk: sudo apt-get install wrk (Debian/Ubuntu)\n');
    process.exit(2);
  }
}

// The server runs in its own process so that it does not share the probe's event loop.
const serverCode = `require('http').createServer((q,s)=>{if(q.url.startsWith('/delay'))setTimeout(()=>s.end('ok'),20);else s.end('ok')}).listen(0,'127.0.0.1',function(){console.log('PORT '+this.address().port)})`;
let port = 0;
const server = new ManagedProcess(`node -e "${serverCode}"`, {
  cwd: process.cwd(),
  env: process.env,
  onOutput: (t) => {
    const m = /PORT (\d+)/.exec(t);
    if (m) port = Number(m[1]);
  },
});
while (port === 0) await new Promise((r) => setTimeout(r, 20));
const url = `http://127.0.0.1:${port}`;

const path = (u: string) =>
  CriticalPathSpec.parse({
    name: 'p',
    owner: 'o',
    expect: 'e',
    rollback: 'r',
    steps: [{ name: 's', request: { url: u }, expect: { status: 200 } }],
  });
const scope = (): TemplateScope => ({
  env: {},
  secret: () => undefined,
  run: { id: 'b', dir: '/tmp' },
  service: { url: '' },
  vars: new Map(),
  redactor: new Redactor(),
});
const signal = new AbortController().signal;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** CPU time of this process (the probe) per request, in µs, over the probe's rounds. */
const cpu = { us: 0, requests: 0 };

async function probeRate(): Promise<number> {
  const before = process.cpuUsage();
  const result = await runMaxRate({
    paths: [path('/')],
    baseUrl: url,
    scope,
    vus: connections,
    durationMs: seconds * 1000,
    stepTimeout: '5s',
    signal,
  });
  const used = process.cpuUsage(before);
  cpu.us += used.user + used.system;
  cpu.requests += result.records[0]?.requests ?? 0;
  return (result.records[0]?.iterations ?? 0) / (result.scheduledMs / 1000);
}

async function wrkRate(): Promise<number> {
  const wrk = await runCommand(`wrk -t2 -c${connections} -d${seconds}s ${url}/`, {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: (seconds + 30) * 1000,
  });
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(wrk.output)?.[1] ?? 0);
}

async function autocannonRate(): Promise<number> {
  const ac = await runCommand(`node_modules/.bin/autocannon -j -c ${connections} -d ${seconds} ${url}/`, {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: (seconds + 30) * 1000,
  });
  return Number(JSON.parse(ac.output.slice(ac.output.indexOf('{'))).requests?.average ?? 0);
}

const best = { probe: 0, autocannon: 0, wrk: 0 };
const r = (n: number): number => Math.round(n);
console.log(`connections ${connections}, ${seconds} s each, ${rounds} rounds, trivial local node server`);
console.log(`load average at start: ${load()}`);
for (let round = 1; round <= rounds; round++) {
  const p = await probeRate();
  const w = await wrkRate();
  const a = await autocannonRate();
  best.probe = Math.max(best.probe, p);
  best.wrk = Math.max(best.wrk, w);
  best.autocannon = Math.max(best.autocannon, a);
  console.log(`round ${round}: probe ${r(p)}  wrk ${r(w)}  autocannon ${r(a)} req/s  (load ${load()})`);
}
const agent = createProbeDispatcher(100);
const accuracy = await runProbe({
  paths: [path('/delay')],
  baseUrl: url,
  scope,
  rate: 50,
  durationMs: 4000,
  maxInFlight: 100,
  stepTimeout: '5s',
  dispatcher: agent,
  signal,
});
const p50 = summarizeRecords(accuracy.records, 4)[0]?.p50_ms;
await agent.close();
await server.stop();
console.log(`probe (max-rate) ${r(best.probe)} req/s`);
console.log(
  `autocannon       ${r(best.autocannon)} req/s   probe/autocannon = ${(best.probe / best.autocannon).toFixed(2)}x`,
);
console.log(
  `wrk              ${r(best.wrk)} req/s   probe/wrk = ${(best.probe / best.wrk).toFixed(2)}x (target >= 0.8x)`,
);
console.log(`probe CPU per request: ${(cpu.us / cpu.requests).toFixed(1)} µs (one Node thread)`);
console.log(`accuracy (open model): fixed 20 ms delay at 50/s -> p50 ${p50} ms (target within 1 ms)`);
console.log(`load average at end: ${load()}`);
