/**
 * Runs an exported k6 script under Node, for tests, without k6: the script is parsed as an ES
 * module by V8 (vm.SourceTextModule, needs --experimental-vm-modules), its imports are linked
 * to small stand-ins of `k6/http`, `k6` and `k6/metrics`, and its default function runs once.
 * `http.request` is made synchronous (as in k6) by a child Node process per request.
 *
 *   node --experimental-vm-modules k6-harness.mjs SCRIPT [--run]
 *
 * Prints one JSON object: imports, exports, options, and with --run the checks made.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const [file, mode] = process.argv.slice(2);
const source = readFileSync(file, 'utf8');
const checks = [];
const metrics = [];
const requests = [];

const FETCH = `
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', async () => {
  const r = JSON.parse(input);
  const started = performance.now();
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body ?? undefined });
  const body = await res.text();
  const headers = {};
  res.headers.forEach((v, k) => { headers[k.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase())] = v; });
  process.stdout.write(JSON.stringify({ status: res.status, headers, body, duration: performance.now() - started }));
});`;

function request(method, url, body, params = {}) {
  requests.push({ method, url, tags: params.tags });
  const out = execFileSync(process.execPath, ['-e', FETCH], {
    input: JSON.stringify({ method, url, body, headers: params.headers ?? {} }),
    encoding: 'utf8',
    timeout: 10_000,
  });
  const r = JSON.parse(out);
  return {
    status: r.status,
    headers: r.headers,
    body: r.body,
    timings: { duration: r.duration },
    cookies: {},
  };
}

const k6http = {
  request,
  get: (url, params) => request('GET', url, null, params),
  expectedStatuses: (...codes) => ({ expectedStatuses: codes }),
};
const k6 = {
  check(value, sets, tags) {
    let all = true;
    for (const [name, fn] of Object.entries(sets)) {
      const ok = Boolean(typeof fn === 'function' ? fn(value) : fn);
      checks.push({ name, ok, tags });
      all &&= ok;
    }
    return all;
  },
  sleep(seconds) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  },
};
class Metric {
  constructor(name) {
    this.name = name;
  }
  add(value, tags) {
    metrics.push({ name: this.name, value, tags });
  }
}
const k6metrics = { Trend: Metric, Rate: Metric, Counter: Metric, Gauge: Metric };
const k6execution = { vu: { idInTest: 1, iterationInInstance: 0 } };
const STAND_INS = {
  'k6/execution': { default: k6execution },
  'k6/http': { default: k6http, ...k6http },
  k6: { default: k6, ...k6 },
  'k6/metrics': k6metrics,
};

const context = vm.createContext({
  __ENV: { ...process.env },
  __VU: 1,
  __ITER: 0,
  console,
  JSON,
  Date,
  Math,
});
const script = new vm.SourceTextModule(source, { context, identifier: file });
const imports = [...script.dependencySpecifiers];
await script.link((specifier) => {
  const exports = STAND_INS[specifier];
  if (!exports) throw new Error(`the script imports ${specifier}, which is not a k6 module`);
  return new vm.SyntheticModule(
    Object.keys(exports),
    function () {
      for (const [name, value] of Object.entries(exports)) this.setExport(name, value);
    },
    { context, identifier: specifier },
  );
});
await script.evaluate();
const namespace = script.namespace;
if (mode === '--run') namespace.default();
process.stdout.write(
  JSON.stringify({
    imports,
    exports: Object.keys(namespace).sort(),
    options: namespace.options,
    checks,
    metrics,
    requests,
  }),
);
