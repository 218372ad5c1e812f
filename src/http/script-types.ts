/**
 * The messages between the script host (main thread) and the script worker: a job is one
 * execution of a kept Postman script, a reply its assertions and variable changes.
 */

/** One execution of a kept script. */
export interface ScriptJob {
  id: string;
  listen: 'prerequest' | 'test';
  code: string;
  timeoutMs: number;
  /** The path run's variables (plan variables, captures, what scripts set). */
  variables: Record<string, unknown>;
  request: { method: string; url: string; headers: [string, string][]; body?: string };
  /** Absent for a pre-request script. */
  response?: {
    code: number;
    reason: string;
    headers: [string, string][];
    /** The body bytes, base64. */
    body: string;
    responseTime: number;
    cookies: [string, string][];
  };
}

/** A `pm.test` or `tests[...]` result. */
export interface SandboxAssertion {
  name: string;
  passed: boolean;
  skipped: boolean;
  message?: string;
}

/** What an execution did. */
/** Sent by the worker when a job's script begins to run: the host's deadline starts then. */
export interface ScriptStarted {
  id: string;
  started: true;
}

export interface ScriptReply {
  id: string;
  assertions: SandboxAssertion[];
  /** Variables the script set (any scope), and those it unset. */
  set: Record<string, unknown>;
  unset: string[];
  /** The script threw, timed out or could not run. */
  error?: string;
}
