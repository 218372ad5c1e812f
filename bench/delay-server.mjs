// bench:verdict's service: answers every request after a delay drawn from a fixed
// distribution (DELAY_BASE_MS + an exponential tail of mean DELAY_TAIL_MS), plus
// DELAY_EXTRA_MS (may be fractional) on every request: the slowdown that bench:verdict
// injects into the candidate. The sum is rounded to whole ms (timers have 1 ms
// resolution); over a continuous distribution that rounding moves every percentile by
// DELAY_EXTRA_MS on average, so the injected change is exact. Seeded (DELAY_SEED), so a trial can be
// replayed. It does no CPU work, so its own load does not blur the comparison.
import { createServer } from 'node:http';

const base = Number(process.env.DELAY_BASE_MS ?? 25);
const tail = Number(process.env.DELAY_TAIL_MS ?? 5);
const extra = Number(process.env.DELAY_EXTRA_MS ?? 0);
let state = Number(process.env.DELAY_SEED ?? 1) >>> 0;

/** mulberry32: a small seedable PRNG, floats in [0, 1). */
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const body = '{"ok":true}';
const server = createServer((_req, res) => {
  const delay = Math.round(base + tail * -Math.log(1 - random()) + extra);
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), delay);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
