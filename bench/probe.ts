/**
 * bench:probe — the probe's maximum rate on a trivial local server, against autocannon
 * and wrk on the same server with the same connection count, in the same run; plus the
 * probe's accuracy on a fixed 20 ms delay. Usage: npm run bench:probe [-- SECONDS CONNECTIONS]
 */
import { execFileSync } from 'node:child_process';
import { Agent } from 'undici';
import { CriticalPathSpec } from '../src/plan/schema.js';
import { runProbe } from '../src/probe/probe.js';
import { summarizeRecords } from '../src/probe/recorder.js';
import { Redactor } from '../src/report/redact.js';
import { runCommand } from '../src/run/process.js';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);
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
const { ManagedProcess } = await import('../src/run/process.js');
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
  CriticalPathSpec.parse({ name: 'p', owner: 'o', expect: 'e', rollback: 'r', steps: [{ name: 's', request: { url: u } }] });
const scope = () => ({ env: {}, secret: () => undefined, run: { id: 'b', dir: '/tmp' }, service: { url: '' }, vars: new Map(), redactor: new Redactor() });
const agent = new Agent({ connections, pipelining: 1 });
const signal = new AbortController().signal;
const probe = await runProbe({ paths: [path('/')], baseUrl: url, scope, rate: 200_000, durationMs: seconds * 1000, maxInFlight: connections, stepTimeout: '5s', dispatcher: agent, signal });
const probeRate = (probe.records[0]?.iterations ?? 0) / (probe.scheduledMs / 1000);
const wrk = await runCommand(`wrk -t2 -c${connections} -d${seconds}s ${url}/`, { cwd: process.cwd(), env: process.env, timeoutMs: (seconds + 30) * 1000 });
const wrkRate = Number(/Requests\/sec:\s+([\d.]+)/.exec(wrk.output)?.[1] ?? 0);
const ac = await runCommand(`node_modules/.bin/autocannon -j -c ${connections} -d ${seconds} ${url}/`, { cwd: process.cwd(), env: process.env, timeoutMs: (seconds + 30) * 1000 });
const acRate = Number(JSON.parse(ac.output.slice(ac.output.indexOf('{'))).requests?.average ?? 0);
const accuracy = await runProbe({ paths: [path('/delay')], baseUrl: url, scope, rate: 50, durationMs: 4000, maxInFlight: 100, stepTimeout: '5s', dispatcher: agent, signal });
const p50 = summarizeRecords(accuracy.records, 4)[0]?.p50_ms;
await agent.close();
await server.stop();
const r = (n: number) => Math.round(n);
console.log(`connections ${connections}, ${seconds} s each, trivial local node server`);
console.log(`probe      ${r(probeRate)} req/s`);
console.log(`autocannon ${r(acRate)} req/s   probe/autocannon = ${(probeRate / acRate).toFixed(2)}x`);
console.log(`wrk        ${r(wrkRate)} req/s   probe/wrk = ${(probeRate / wrkRate).toFixed(2)}x (target >= 0.8x)`);
console.log(`accuracy: fixed 20 ms delay at 50/s -> p50 ${p50} ms (target within 1 ms)`);
