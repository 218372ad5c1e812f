/**
 * A separate process that records runs into a store, for the concurrency and crash tests:
 *   node --import tsx test/support/store-writer.ts LOCATION PREFIX COUNT [STEPS]
 * COUNT 0 means forever. Prints `begin ID` before and `recorded ID` after each run.
 */
import { openStore, parseStoreLocation } from '../../src/store/index.js';
import { bigRun } from './store-runs.js';

const [location, prefix, countText, stepsText] = process.argv.slice(2);
if (!location || !prefix || countText === undefined) {
  process.stderr.write('usage: store-writer LOCATION PREFIX COUNT [STEPS]\n');
  process.exit(2);
}
const count = Number(countText);
const store = await openStore(parseStoreLocation(location));
for (let i = 0; count === 0 || i < count; i++) {
  const result = bigRun(`${prefix}-${String(i).padStart(4, '0')}`, i, Number(stepsText ?? 5));
  process.stdout.write(`begin ${result.run_id}\n`);
  await store.recordRun({ result, record_md: `# record of ${result.run_id}`, logs_excerpt: 'log line' });
  process.stdout.write(`recorded ${result.run_id}\n`);
}
await store.close();
