// The latency baseline of a plain Node client: sequential GETs with undici for SECONDS,
// each timed with process.hrtime.bigint from before the request to the end of the body.
// Prints one JSON line: requests, p50_ms, p99_ms (nearest rank, as the bench servers do).
// Usage: node bench/peers/undici-latency.mjs URL SECONDS
import { request } from 'undici';

const [url, seconds] = process.argv.slice(2);
if (!url || !seconds) throw new Error('usage: undici-latency.mjs URL SECONDS');
const times = [];
const end = performance.now() + Number(seconds) * 1000;
while (performance.now() < end) {
  const start = process.hrtime.bigint();
  const res = await request(url);
  await res.body.text();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode}`);
}
times.sort((a, b) => a - b);
const rank = (p) => times[Math.min(times.length - 1, Math.max(0, Math.ceil((p / 100) * times.length) - 1))];
console.log(JSON.stringify({ requests: times.length, p50_ms: rank(50), p99_ms: rank(99) }));
