/**
 * The worker thread that runs a step's kept Postman script: Newman's own `postman-sandbox`
 * (Postman's `pm` API, Chai, the legacy `tests[...]`/`responseBody` globals), booted once per
 * worker. The host (script-host.ts) bounds it in time and memory; this side only translates
 * a job into a sandbox execution and its result back.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { SandboxAssertion, ScriptJob, ScriptReply, ScriptStarted } from './script-types.js';

interface SandboxContext {
  on(event: string, listener: (...args: unknown[]) => void): void;
  dispatch(event: string, ...args: unknown[]): void;
  removeAllListeners(event: string): void;
  execute(
    target: unknown,
    options: Record<string, unknown>,
    callback: (error: Error | null, result: SandboxResult) => void,
  ): void;
}

interface Mutations {
  compacted?: Record<string, unknown[]>;
}

interface SandboxResult {
  environment?: { mutations?: Mutations };
  globals?: { mutations?: Mutations };
  collectionVariables?: { mutations?: Mutations };
  _variables?: { mutations?: Mutations };
}

const require = createRequire(import.meta.url);
const Sandbox = require('postman-sandbox') as {
  createContext(
    options: Record<string, unknown>,
    done: (error: Error | null, ctx: SandboxContext) => void,
  ): void;
};

const port = parentPort;
if (!port) throw new Error('script-worker.js runs as a worker thread');

let assertions: SandboxAssertion[] = [];
const context = new Promise<SandboxContext>((resolve, reject) => {
  Sandbox.createContext({ timeout: 60_000 }, (error, ctx) => {
    if (error) return reject(error);
    ctx.on('execution.assertion', (_cursor, list) => {
      for (const a of list as {
        name?: unknown;
        passed?: unknown;
        skipped?: unknown;
        error?: { message?: unknown };
      }[])
        assertions.push({
          name: String(a.name ?? ''),
          passed: a.passed === true,
          skipped: a.skipped === true,
          ...(a.error ? { message: String(a.error.message ?? a.error) } : {}),
        });
    });
    resolve(ctx);
  });
});

port.on('message', (job: ScriptJob) => {
  void run(job).then(
    (reply) => port.postMessage(reply),
    (error: unknown) => port.postMessage(failure(job.id, error)),
  );
});

async function run(job: ScriptJob): Promise<ScriptReply> {
  const ctx = await context;
  assertions = [];
  // pm.sendRequest: preflight sends only the plan's requests; the script gets an error back.
  ctx.on(`execution.request.${job.id}`, (_cursor, _id, requestId) => {
    ctx.dispatch(
      `execution.response.${job.id}`,
      requestId,
      { message: 'pm.sendRequest is not supported by preflight: add the request as a step of its own' },
      null,
    );
  });
  // The host's deadline runs from here, not from the worker's boot (slow on a busy machine).
  port?.postMessage({ id: job.id, started: true } satisfies ScriptStarted);
  const result = await new Promise<{ error: Error | null; result: SandboxResult }>((resolve) => {
    ctx.execute(
      { listen: job.listen, script: { exec: job.code } },
      { id: job.id, timeout: job.timeoutMs, context: executionContext(job) },
      (error, result) => resolve({ error, result }),
    );
  });
  ctx.removeAllListeners(`execution.request.${job.id}`);
  const reply: ScriptReply = { id: job.id, assertions, ...variableChanges(result.result) };
  if (result.error) reply.error = `${result.error.name ?? 'Error'}: ${result.error.message}`;
  return reply;
}

function executionContext(job: ScriptJob): Record<string, unknown> {
  const values = Object.entries(job.variables).map(([key, value]) => ({ key, value, type: 'any' }));
  const out: Record<string, unknown> = {
    environment: { values },
    globals: { values },
    collectionVariables: { values },
    request: {
      url: job.request.url,
      method: job.request.method,
      header: job.request.headers.map(([key, value]) => ({ key, value })),
      ...(job.request.body !== undefined ? { body: { mode: 'raw', raw: job.request.body } } : {}),
    },
  };
  if (job.response) {
    out.response = {
      code: job.response.code,
      status: job.response.reason,
      header: job.response.headers.map(([key, value]) => ({ key, value })),
      stream: { type: 'Buffer', data: [...Buffer.from(job.response.body, 'base64')] },
      responseTime: job.response.responseTime,
    };
    out.cookies = job.response.cookies.map(([name, value]) => ({ name, value }));
  }
  return out;
}

/** What the script set or unset, over every scope (local variables last: they win, as in Postman). */
function variableChanges(result: SandboxResult | undefined): Pick<ScriptReply, 'set' | 'unset'> {
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const scopes = [result?.globals, result?.collectionVariables, result?.environment, result?._variables];
  for (const scope of scopes) {
    for (const [key, mutation] of Object.entries(scope?.mutations?.compacted ?? {})) {
      if (mutation.length >= 2) {
        set[key] = mutation[1];
        const at = unset.indexOf(key);
        if (at >= 0) unset.splice(at, 1);
      } else {
        delete set[key];
        if (!unset.includes(key)) unset.push(key);
      }
    }
  }
  return { set, unset };
}

function failure(id: string, error: unknown): ScriptReply {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { id, assertions: [], set: {}, unset: [], error: message };
}
