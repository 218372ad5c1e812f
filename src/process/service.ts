/**
 * The service lifecycle: pick a free port, start the service's command, poll its
 * ready endpoint, keep its output in the run's log, stop its whole process group.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { sendRequest } from '../http/send.js';
import { toMs } from '../plan/duration.js';
import type { ServiceConfig } from '../plan/schema.js';
import { renderTemplate, type TemplateScope } from '../plan/template.js';
import type { Redactor } from '../secrets/redactor.js';
import { ManagedProcess } from './process.js';

/** A service that answers on `url`. */
export interface ServiceHandle {
  url: string;
  port: number | null;
  logFile: string | null;
  /** Last lines of the service's output (empty for a service preflight did not start). */
  tail: (lines?: number) => string;
  /**
   * Set when readiness went on without the answer it waits for: a running service without
   * `ready` whose `GET /` answered 5xx (e.g. `GET / answered 500 Internal Server Error; ...`).
   */
  readyNote?: string;
  /**
   * How a service preflight started ended, once it has ("exited with code 1", "was killed by
   * SIGKILL"); null while it runs. Absent for a service preflight did not start.
   */
  exited?: () => string | null;
  stop: () => Promise<void>;
}

export type ServiceErrorCode =
  | 'SERVICE_EXITED'
  | 'SERVICE_NOT_READY'
  | 'SERVICE_NOT_CONFIGURED'
  | 'SERVICE_UNREACHABLE';

/** The service could not be started or reached: the run cannot go on (exit 3). */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly tail: string;
  constructor(code: ServiceErrorCode, message: string, tail = '') {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.tail = tail;
  }
}

export interface StartServiceOptions {
  config: ServiceConfig;
  planDir: string;
  logFile: string;
  /** Environment of the service (already templated). */
  env: Record<string, string>;
  /** An already running service; nothing is started. */
  baseUrl?: string;
  /** Applied to the service's output before it is written to `logFile` (the run's redactor). */
  redactLog?: (text: string) => string;
  signal: AbortSignal;
  dispatcher: Dispatcher;
}

const TAIL_LINES = 30;

/**
 * What `{port}` in the plan's service env renders to until the port is known: unguessable,
 * so that no substituted value can contain it.
 */
export const PORT_PLACEHOLDER = `\u0000preflight-port-${randomBytes(8).toString('hex')}\u0000`;

/**
 * Start (or reach) the service and wait until it is ready: its ready endpoint answers 2xx, or
 * without one, any answer below 500 to GET / (for a running service, any answer: 5xx only
 * after a short grace, noted in `readyNote`).
 */
export async function startService(options: StartServiceOptions): Promise<ServiceHandle> {
  const { config } = options;
  const ready = parseReady(config.ready);
  const timeoutMs =
    typeof config.ready === 'object' && config.ready.timeout
      ? toMs(config.ready.timeout)
      : toMs(config.ready_timeout);
  const url = options.baseUrl ?? config.url;
  if (url) {
    const handle: ServiceHandle = {
      url: url.replace(/\/$/, ''),
      port: null,
      logFile: null,
      tail: () => '',
      stop: async () => {},
    };
    const note = await waitReady(handle, ready, { ...options, timeoutMs, proc: null });
    if (note) handle.readyNote = note;
    return handle;
  }
  if (!config.start) {
    throw new ServiceError(
      'SERVICE_NOT_CONFIGURED',
      'the plan\'s service has neither "start" nor "url"; pass --base-url URL or add one',
    );
  }
  const port = await freePort();
  const sub = (s: string): string => s.replaceAll('{port}', String(port));
  // The env was rendered with PORT_PLACEHOLDER where the plan wrote {port}; a value that
  // itself says {port} (a secret, an environment variable) is left as it is.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) env[k] = v.replaceAll(PORT_PLACEHOLDER, String(port));
  const proc = new ManagedProcess(sub(config.start), {
    cwd: path.resolve(options.planDir, config.cwd ?? '.'),
    env: { ...process.env, PORT: String(port), ...env },
    logFile: options.logFile,
    ...(options.redactLog ? { redactLog: options.redactLog } : {}),
  });
  const handle: ServiceHandle = {
    url: `http://127.0.0.1:${port}`,
    port,
    logFile: options.logFile,
    tail: (lines = TAIL_LINES) => proc.tail(lines),
    exited: () => {
      const ended = proc.ended;
      if (!ended) return null;
      if (ended.code === null) return `was killed by ${ended.signal}`;
      // The shell that runs the command reports a child killed by signal N as 128 + N.
      const signal = ended.code > 128 ? signalName(ended.code - 128) : undefined;
      return `exited with code ${ended.code}${signal ? ` (${signal}: killed)` : ''}`;
    },
    stop: async () => {
      await proc.stop();
    },
  };
  try {
    await waitReady(handle, ready, { ...options, timeoutMs, proc });
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return handle;
}

interface WaitOptions extends StartServiceOptions {
  timeoutMs: number;
  proc: ManagedProcess | null;
}

/** What "ready" means: the plan's endpoint answering 2xx, or (none named) any answer below 500 to GET /. */
interface Readiness {
  method: 'GET' | 'HEAD';
  path: string;
  /** true: the plan named the endpoint, and only 2xx counts. */
  explicit: boolean;
}

/** Polls start at 100 ms apart and back off to 1 s while the service refuses or answers 5xx. */
const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 1000;
/**
 * How long a running service without `ready` may answer `GET /` with 5xx before the run goes
 * on: an answer proves the server is there (a proxy's 502/503 during a reload passes in this
 * time); whether the service works is for the critical paths to say.
 */
const FIVE_XX_GRACE_MS = 2000;

/** Wait until the service is ready; a note when it went on without being so (see `readyNote`). */
async function waitReady(handle: ServiceHandle, ready: Readiness, o: WaitOptions): Promise<string | null> {
  const target = `${handle.url}${ready.path}`;
  const deadline = performance.now() + o.timeoutMs;
  // Only for a service preflight did not start and a plan that names no ready endpoint.
  const graceful = !o.proc && !ready.explicit;
  let firstFiveXx: number | null = null;
  let last = 'no answer yet';
  let attempts = 0;
  let pause = FIRST_POLL_MS;
  while (performance.now() < deadline) {
    if (o.signal.aborted)
      throw new ServiceError('SERVICE_NOT_READY', 'the run was cancelled while the service was starting');
    if (o.proc?.done) {
      const exit = await o.proc.exited;
      throw new ServiceError(
        'SERVICE_EXITED',
        `the service exited (${exit.exit_code !== null ? `code ${exit.exit_code}` : `signal ${exit.signal}`}) before ${ready.method} ${ready.path} answered`,
        o.proc.tail(TAIL_LINES),
      );
    }
    attempts++;
    // Through the run's dispatcher, as the steps go: a plain-http service is asked on the lean
    // transport (undici stays unloaded), in the pool the steps then use.
    const sent = await sendRequest(
      { method: ready.method, url: target, headers: {} },
      { dispatcher: o.dispatcher, timeoutMs: 2000, bodyLimit: 64 * 1024, signal: o.signal },
    );
    if (sent.kind === 'response') {
      const status = sent.response.status;
      if (isUp(status, ready)) return null;
      last = `status ${status}`;
      if (graceful && status >= 500) {
        firstFiveXx ??= performance.now();
        const left = deadline - performance.now();
        if (performance.now() - firstFiveXx >= FIVE_XX_GRACE_MS || left <= pause)
          return fiveXxNote(ready, status);
      }
    } else if (sent.kind === 'error') {
      // The transport's own code (ECONNREFUSED), else preflight's (STEP_TIMEOUT): short, and never the URL.
      const code = (sent.cause as { code?: unknown } | undefined)?.code;
      last = typeof code === 'string' ? code : sent.error.code;
    }
    await sleep(Math.min(pause, Math.max(0, deadline - performance.now())));
    // A service that is starting (refused) is polled often; one that answers 5xx less so.
    pause = o.proc && last.startsWith('ECONNREFUSED') ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, pause * 2);
  }
  const code = o.proc ? 'SERVICE_NOT_READY' : 'SERVICE_UNREACHABLE';
  throw new ServiceError(
    code,
    notReadyMessage(target, ready, o.timeoutMs, { last, attempts, started: o.proc !== null }),
    o.proc?.tail(TAIL_LINES) ?? '',
  );
}

/** `SIGKILL` for 9, or undefined for a number no signal has. */
function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === n)?.[0];
}

function fiveXxNote(ready: Readiness, status: number): string {
  const answer = `${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;
  return `${ready.method} ${ready.path} answered ${answer}; went on: the critical paths decide`;
}

function isUp(status: number, ready: Readiness): boolean {
  return ready.explicit ? status >= 200 && status < 300 : status < 500;
}

function notReadyMessage(
  target: string,
  ready: Readiness,
  timeoutMs: number,
  seen: { last: string; attempts: number; started: boolean },
): string {
  const wanted = ready.explicit
    ? 'did not answer 2xx'
    : seen.started
      ? 'gave no HTTP answer below 500'
      : 'gave no HTTP answer';
  const tried = `${seen.attempts} attempt${seen.attempts === 1 ? '' : 's'}, last: ${seen.last}`;
  const hint = ready.explicit
    ? ''
    : '; if the service has a health route, name it in service.ready (e.g. ready: GET /healthz)';
  return `${ready.method} ${target} ${wanted} within ${timeoutMs / 1000} s (${tried})${hint}`;
}

function parseReady(ready: ServiceConfig['ready']): Readiness {
  if (ready === undefined) return { method: 'GET', path: '/', explicit: false };
  if (typeof ready === 'string') {
    const [method, p] = ready.trim().split(/\s+/) as ['GET' | 'HEAD', string];
    return { method, path: p.startsWith('/') ? p : `/${p}`, explicit: true };
  }
  return {
    method: ready.method,
    path: ready.path.startsWith('/') ? ready.path : `/${ready.path}`,
    explicit: true,
  };
}

/**
 * The service's `env`, rendered in `scope`; values under secret-looking names (TOKEN,
 * PASSWORD, ...) are added to the redactor, so the service's output never shows them.
 */
export function renderServiceEnv(
  spec: Record<string, string>,
  scope: TemplateScope,
  redactor: Redactor,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec)) {
    const rendered = String(renderTemplate(value, scope, { placeholders: { port: PORT_PLACEHOLDER } }));
    redactor.addNamed(key, rendered);
    out[key] = rendered;
  }
  return out;
}

/** A TCP port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
