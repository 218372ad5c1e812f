/**
 * The run-level result: what one run of a plan produced. The JSON result (`--json`) is a
 * serialised `RunResult`; its JSON Schema, `schema/result.schema.json`, is generated from these
 * types and those they reach (scripts/result-schema.mjs, run by `npm run build`): a JSDoc comment
 * is a description, and `@format`, `@minimum`, `@minLength`, `@asType integer` tags constrain.
 */

import type { MetricsResult } from '../checks/metrics/result.js';
import type { PathResult } from '../checks/paths/result.js';
import type { CheckResult } from '../checks/result.js';

export type Verdict = 'go' | 'no-go';

export interface GitInfo {
  commit: string | null;
  branch: string | null;
  describe: string | null;
  last_tag: string | null;
  /** Uncommitted changes anywhere in the repository, untracked files included (preflight's own outputs are not). */
  dirty: boolean;
  /** The plan's directory, from the repository root (`.` at the root). */
  plan_dir: string;
  /** The uncommitted files of the repository (bounded), from its root. */
  uncommitted: string[];
  /** Files changed since the last tag under the plan's directory, committed or not, from the root. */
  files_touched: string[];
}

/** A preflight command line, from the plan's directory: `run --only paths`, `compare v1`. */
export interface Invocation {
  command: 'run' | 'rehearse' | 'compare';
  /** Arguments after `--plan FILE`, e.g. ["--only", "paths"] or ["v1.4.0", "--rate", "20/s"]. */
  args: string[];
}

export interface RunResult {
  schema_version: 1;
  tool: { name: 'preflight'; version: string };
  /** @minLength 1 */
  run_id: string;
  plan: { file: string; hash: string };
  service: {
    name: string;
    owner: string | null;
    version: string | null;
    url: string | null;
    /**
     * How readiness went when it went on without the answer it waits for: a running service
     * without `ready` whose `GET /` answered 5xx (`GET / answered 500 Internal Server Error; ...`).
     */
    ready_note?: string;
  };
  git: GitInfo | null;
  /** @format date-time */
  started_at: string;
  /** @format date-time */
  finished_at: string;
  /** @minimum 0 */
  duration_ms: number;
  verdict: Verdict;
  /** 0 GO, 1 NO-GO, 3 could not run. */
  exit_code: 0 | 1 | 3;
  reason: string;
  checks: CheckResult[];
  paths: PathResult[];
  assumptions: string[];
  /** The started service's output; absent with --base-url or service.url (preflight started none). */
  service_log?: string;
  record_file?: string;
  shard?: {
    /**
     * @minimum 0
     * @asType integer
     */
    index: number;
    /**
     * @minimum 1
     * @asType integer
     */
    total: number;
  };
  /** The command that made this run, with the flags that shape it (for "How to repeat"). */
  invocation?: Invocation;
  /** The names (never the values) of the environment variables and secrets the plan reads. */
  needs?: { env: string[]; env_optional: string[]; secrets: string[] };
  /** Baseline vs candidate metrics (the `metrics` check), when measured. */
  metrics?: MetricsResult;
  /**
   * What preflight cleaned up, one sentence each: what a run that ended abruptly left (a baseline
   * worktree, the rehearsal lock, staging down), and processes of this run that escaped their
   * process group.
   */
  cleanup?: string[];
}
