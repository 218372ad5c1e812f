/** What every section of the bench gets. */
import type { BenchOptions } from './options.js';
import type { BenchServer } from './servers.js';

export interface BenchContext {
  /** The repository root (all commands run there). */
  root: string;
  /** A temporary directory for generated plans and GNU time's files, removed at the end. */
  tmp: string;
  options: BenchOptions;
  node: BenchServer;
  uvicorn: BenchServer;
  /** A progress line on stderr (the table goes to stdout). */
  log: (line: string) => void;
}

/** The built CLI, as every preflight row runs it. */
export const CLI = 'node dist/cli/main.js';

/** Step CI sends usage data to posthog unless this is set; the bench talks to 127.0.0.1 only. */
export const STEPCI_ENV = { STEPCI_DISABLE_ANALYTICS: '1' };
