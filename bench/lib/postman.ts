/**
 * A Postman collection (the pm-API fixture of the parity test: 8 requests across two folders,
 * variables chained between them, a kept pre-request and test script) run by Newman and, once
 * imported, by preflight, against the example shop under uvicorn: wall time of each run,
 * tools taking turns. The shop is started once; the collection signs up a new user each run.
 */
import { join } from 'node:path';
import { Agent } from 'undici';
import { startService } from '../../src/process/service.js';
import { type BenchContext, CLI } from './context.js';
import { alternate, type Measured, measureCommand, medianRatio, medians } from './measure.js';
import type { Row } from './table.js';
import { errorRows, target } from './table.js';

const TOOLS = ['preflight', 'newman'] as const;
type Tool = (typeof TOOLS)[number];

const FIXTURES = 'test/fixtures/postman';
const COLLECTION = `${FIXTURES}/shop-pm.postman_collection.json`;
const ENVIRONMENT = `${FIXTURES}/shop-local.postman_environment.json`;
/** The fixture's one failing assertion (a currency the shop does not send) makes both exit 1. */
const OK_EXIT = [0, 1];

/** The table's rows for the collection. */
export async function benchPostman(ctx: BenchContext): Promise<Row[]> {
  const label = 'Postman collection, 8 requests on the shop (pm API fixture), wall';
  const dispatcher = new Agent();
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    service = await startService({
      config: {
        name: 'shop',
        start: '.venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port} --no-access-log',
        ready: 'GET /healthz',
        ready_timeout: '30s',
      },
      planDir: join(ctx.root, 'examples/shop'),
      logFile: join(ctx.tmp, 'shop.log'),
      env: { DATABASE_URL: `sqlite:///${join(ctx.tmp, 'postman-shop.db')}` },
      signal: new AbortController().signal,
      dispatcher,
    });
    const url = service.url;
    const plan = join(ctx.tmp, 'shop-pm.yaml');
    const o = { cwd: ctx.root, tmp: ctx.tmp, okExitCodes: OK_EXIT, env: { PASSWORD: 'bench-password-1' } };
    await measureCommand(`${CLI} import postman ${COLLECTION} --env ${ENVIRONMENT} --out ${plan} --force`, {
      ...o,
      okExitCodes: [0],
    });
    const command = (tool: Tool): string =>
      tool === 'preflight'
        ? `${CLI} run --plan ${plan} --base-url ${url} --no-store --no-color`
        : `node_modules/.bin/newman run ${COLLECTION} -e ${ENVIRONMENT} --env-var baseUrl=${url}`;
    for (const tool of TOOLS) await measureCommand(command(tool), o);
    const results = await alternate(TOOLS, ctx.options.rounds, async (tool, round) => {
      const m: Measured = await measureCommand(command(tool), o);
      ctx.log(`postman round ${round + 1} ${tool}: ${(m.wallMs / 1000).toFixed(2)} s`);
      return m;
    });
    const wall = medians(TOOLS, results, (m) => m.wallMs / 1000);
    const ratio = medianRatio(results, 'preflight', 'newman', (m) => m.wallMs);
    return [{ label, unit: 's', values: wall, ratio, target: target(ratio, '<=', 1, '≤ Newman') }];
  } catch (error) {
    return errorRows([label], error);
  } finally {
    await service?.stop();
    await dispatcher.close();
  }
}
