/**
 * The history store: `openStore(location)` gives a `RunStore` over SQLite or PostgreSQL.
 */
export { discoverStore } from './discover.js';
export {
  DEFAULT_STORE_FILE,
  describeLocation,
  isPostgresUrl,
  openStore,
  parseStoreLocation,
  type StoreLocation,
  storeLocationFor,
} from './open.js';
export { type PathStats, pathStats, percentile } from './path-stats.js';
export type { PathTrendPoint, RecordInput, RunQuery, RunStore, RunSummary, StoredRun } from './types.js';
export { StoreError } from './types.js';
